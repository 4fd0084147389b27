package io.ledgerjdbc.driver.session;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.capture.CaptureRefusal;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.Value;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetProvider;

/**
 * One connection's generated keys: read once from the real statement (capture reads the new rows back by them),
 * kept for the application, and shown to it as the raw driver would show them, including when only the driver
 * asked for them.
 *
 * <p>Threading: one connection's, confined like its session.
 */
final class GeneratedKeys {

    private final Connection real;
    private final Backend backend;
    private final Map<ExecutionContext, CachedRowSet> kept = new IdentityHashMap<>();
    /** Executions whose keys only the driver asked for: the application sees what the raw driver shows it. */
    private final Set<ExecutionContext> askedOnlyForCapture = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Executions whose returned rows capture consumed (see ChangedRows): the real statement has none left to show. */
    private final Set<ExecutionContext> rowsTakenByCapture = Collections.newSetFromMap(new IdentityHashMap<>());

    GeneratedKeys(Connection real, Backend backend) {
        this.real = real;
        this.backend = backend;
    }

    /** Whether any execution's keys are kept (checked on every execution's path: keep it this cheap). */
    boolean any() {
        return !kept.isEmpty() || !askedOnlyForCapture.isEmpty() || !rowsTakenByCapture.isEmpty();
    }

    /** Reads {@code ctx}'s keys once into memory and keeps them for the application. */
    CachedRowSet read(ExecutionContext ctx) throws SQLException {
        CachedRowSet keys = RowSetProvider.newFactory().createCachedRowSet();
        try (ResultSet rs = ctx.realStatement().getGeneratedKeys()) {
            keys.populate(rs);
        }
        keep(ctx, keys);
        return keys;
    }

    /**
     * The keys of the {@code rows} rows an INSERT into {@code t} made, read once for capture now and the application
     * later. SQLite and MariaDB report one key for a multi-row INSERT (SQLite the last rowid, MariaDB the first id);
     * both assign one statement's keys consecutively (MariaDB in steps of auto_increment_increment), so the others
     * follow. Capture then reads every row back by key and fails (40001) if one is not there.
     */
    List<Row> ofInsert(ExecutionContext ctx, TableInfo t, int rows) throws SQLException {
        CachedRowSet keys = read(ctx);
        TableInfo.Column k = t.primaryKey().get(0);
        int columns = keys.getMetaData().getColumnCount();
        int column = 0;
        for (int i = 1; i <= columns; i++) {
            if (keys.getMetaData().getColumnLabel(i).equalsIgnoreCase(k.name())) {
                column = i;
            }
        }
        if (column == 0 && columns == 1) {
            column = 1; // MariaDB's insert_id and SQLite's rowid come unlabelled: the one key column
        }
        if (column == 0) {
            throw CaptureRefusal.of("an INSERT whose generated keys do not include its primary key",
                    "the generated keys returned have no column " + k.name());
        }
        List<Row> out = new ArrayList<>();
        while (keys.next()) {
            out.add(Row.of(k.name(), Values.read(keys, column, k, backend.dialect())));
        }
        keys.beforeFirst();
        if (out.size() == 1 && rows > 1 && out.get(0).get(k.name()) instanceof Value.Int id) {
            long step = backend.reportsFirstKeyOfMany() ? autoIncrementStep() : -1;
            long first = backend.reportsFirstKeyOfMany() ? id.value() : id.value() - (rows - 1);
            if (backend.reportsOneKeyForManyRows()) {
                out.clear();
                for (int i = 0; i < rows; i++) {
                    out.add(Row.of(k.name(), Value.of(first + i * Math.abs(step))));
                }
            }
        }
        return out;
    }

    /** What {@code getGeneratedKeys()} returns to the application after {@code ctx}'s last execution. */
    ResultSet forApplication(ExecutionContext ctx) throws SQLException {
        if (askedOnlyForCapture.contains(ctx)) {
            return keysOfAnExecutionThatAskedForNone(); // as often as the application asks, until its next execution
        }
        CachedRowSet keys = kept.remove(ctx);
        return keys != null ? keys : ctx.realStatement().getGeneratedKeys();
    }

    /** Forgets {@code ctx}'s keys: it executes again, or it was closed. */
    void forget(ExecutionContext ctx) {
        kept.remove(ctx);
        askedOnlyForCapture.remove(ctx);
        rowsTakenByCapture.remove(ctx);
    }

    /**
     * The rows an UPDATE or DELETE returned for capture in place of keys the application did not ask for: from now
     * on the application sees what the raw driver shows unasked.
     */
    ResultSet takeChangedRows(ExecutionContext ctx) throws SQLException {
        askedOnlyForCapture.add(ctx);
        rowsTakenByCapture.add(ctx);
        kept.remove(ctx);
        return ctx.realStatement().getGeneratedKeys();
    }

    /**
     * An execution that asked for no keys ran on a statement of the driver's (see Write.Instead): the application
     * sees what the raw driver shows unasked.
     */
    void shownNone(ExecutionContext ctx) {
        kept.remove(ctx);
        askedOnlyForCapture.add(ctx);
        rowsTakenByCapture.add(ctx); // in a batch too (see afterBatch): the real statement's keys are not this execution's
    }

    /** A batch item's keys as capture read them, or null; a batch's keys follow their own rules (BatchKeys). */
    CachedRowSet takeBatchItem(ExecutionContext ctx) {
        askedOnlyForCapture.remove(ctx);
        return kept.remove(ctx);
    }

    /** Keeps the keys a whole batch shows the application, if any. */
    void afterBatch(ExecutionContext ctx, java.util.Optional<CachedRowSet> keys) {
        keys.ifPresent(k -> kept.put(ctx, k));
        if (rowsTakenByCapture.contains(ctx) && !kept.containsKey(ctx)) {
            askedOnlyForCapture.add(ctx); // capture asked for rows the application did not: it sees none, as raw
        }
    }

    /** Keeps the keys capture read, for the application, noting whether it asked for them. */
    private void keep(ExecutionContext ctx, CachedRowSet keys) {
        kept.put(ctx, keys);
        // sqlite-jdbc reports the last rowid whether asked or not: there the keys read are what the raw driver shows
        if (!ctx.keyRequest().wantsKeys() && !backend.reportsKeysUnasked()) {
            askedOnlyForCapture.add(ctx);
        } else {
            askedOnlyForCapture.remove(ctx);
        }
    }

    /**
     * What the real driver answers when no keys were asked for (measured): PostgreSQL and H2 an empty result without
     * columns (what a statement that ran nothing gives; it closes when the application closes the result), MariaDB
     * this SQLException, without SQLState.
     */
    private ResultSet keysOfAnExecutionThatAskedForNone() throws SQLException {
        if (backend.refusesUnaskedKeys()) {
            throw new SQLException("Cannot return generated keys: query was not set with Statement.RETURN_GENERATED_KEYS");
        }
        Statement none = real.createStatement();
        try {
            ResultSet rs = none.getGeneratedKeys();
            none.closeOnCompletion();
            return rs;
        } catch (SQLException | RuntimeException e) {
            none.close();
            throw e;
        }
    }

    private long autoIncrementStep() throws SQLException {
        try (Statement s = real.createStatement(); ResultSet rs = s.executeQuery("SELECT @@auto_increment_increment")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
