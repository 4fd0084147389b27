package io.ledgerjdbc.driver.jdbc;

import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The parameters bound to a PreparedStatement, kept so the session can bind the same values to its own
 * capture queries (which reuse parts of the application's SQL, {@code ?} and all). Each parameter is a
 * {@link Binder} that repeats the application's exact {@code setXxx} call on another statement and index.
 * A snapshot is immutable; the builder side is not thread-safe (nor is a PreparedStatement).
 */
public final class Params {

    public static final Params NONE = new Params(new Binder[0]);

    /** Repeats one {@code setXxx} call. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement target, int index) throws SQLException;
    }

    /**
     * A binder that also tells the Java value it binds ({@code setLong}, {@code setInt}, {@code setShort},
     * {@code setString}, {@code setBigDecimal}, {@code setBoolean}, {@code setDouble}, {@code setTimestamp} without
     * a calendar; {@code setNull} and a null object as a null value), so capture can tell which row a key it read
     * back belongs to, or what an INSERT stores, without asking the database.
     */
    public record Known(Object value, Binder binder) implements Binder {
        @Override
        public void bind(PreparedStatement target, int index) throws SQLException {
            binder.bind(target, index);
        }
    }

    private Binder[] binders;

    private Params(Binder[] binders) {
        this.binders = binders;
    }

    public static Params empty() {
        return new Params(new Binder[8]);
    }

    /** Records parameter {@code index} (1-based). */
    public void set(int index, Binder binder) {
        if (index < 1) {
            return; // the real driver rejects it with its own error
        }
        if (index > binders.length) {
            binders = Arrays.copyOf(binders, Math.max(index, binders.length * 2));
        }
        binders[index - 1] = binder;
    }

    public void clear() {
        Arrays.fill(binders, null);
    }

    /** An immutable copy of the parameters as bound now. */
    public Params snapshot() {
        int n = binders.length;
        while (n > 0 && binders[n - 1] == null) {
            n--;
        }
        return n == 0 ? NONE : new Params(Arrays.copyOf(binders, n));
    }

    /** Number of parameters up to the highest one bound. */
    public int size() {
        return binders.length;
    }

    /** The Java value parameter {@code index} (1-based) was bound with, or null when not known (see {@link Known}). */
    public Object knownValue(int index) {
        return index >= 1 && index <= binders.length && binders[index - 1] instanceof Known k ? k.value() : null;
    }

    /** Whether parameter {@code index} (1-based) was bound by a setter that tells its value (see {@link Known}). */
    public boolean isKnown(int index) {
        return index >= 1 && index <= binders.length && binders[index - 1] instanceof Known;
    }

    /** Binds parameters {@code from .. from+count-1} of this set to {@code target} starting at index {@code at}. */
    public void bindRange(PreparedStatement target, int from, int count, int at) throws SQLException {
        for (int i = 0; i < count; i++) {
            Binder b = from + i - 1 < binders.length ? binders[from + i - 1] : null;
            if (b == null) {
                throw new SQLException("parameter " + (from + i) + " is not set", SqlStates.WRONG_PARAMETER_COUNT);
            }
            b.bind(target, at + i);
        }
    }
}
