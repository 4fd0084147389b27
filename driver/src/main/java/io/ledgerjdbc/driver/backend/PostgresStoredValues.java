package io.ledgerjdbc.driver.backend;

import io.ledgerjdbc.ledger.entry.Value;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.Locale;

/**
 * What PostgreSQL stores for a value bound by pgjdbc to a column of a plain built-in type, where that is exactly the
 * value bound ({@link Backend#storedAsBound}). Every other type or value answers null (the row is read back):
 * <ul>
 *   <li>integers ({@code int2/int4/int8} and the serials): an integer is stored as is (out of range fails);</li>
 *   <li>{@code text}, {@code varchar(n)}: a string is stored as is, unless it has an unpaired surrogate (sent as
 *       {@code ?}) or is longer than {@code n}: PostgreSQL then cuts excess <em>spaces</em> silently;</li>
 *   <li>{@code numeric(p,s)}: a decimal that needs no rounding to scale {@code s}; unconstrained {@code numeric}:
 *       any decimal;</li>
 *   <li>{@code bool}, {@code float8}: a Boolean, a Double;</li>
 *   <li>{@code timestamp(p)}, {@code timestamptz(p)}: a Timestamp of years 1900–9999 whose nanoseconds need no rounding
 *       to {@code p} fractional digits; pgjdbc sends it as the JVM zone's local date-time with its offset, which a
 *       {@code timestamp} column keeps as that local date-time and a {@code timestamptz} column as that instant.</li>
 * </ul>
 */
final class PostgresStoredValues {

    private PostgresStoredValues() {
    }

    static Value storedAsBound(Object bound, String typeName, int size, Integer digits) {
        if (bound == null) {
            return Value.NULL;
        }
        String type = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        return switch (type) {
            case "int2", "int4", "int8", "smallserial", "serial", "bigserial" ->
                    bound instanceof Long || bound instanceof Integer || bound instanceof Short ? Value.of(((Number) bound).longValue()) : null;
            case "text" -> bound instanceof String s ? text(s, 0) : null;
            case "varchar" -> bound instanceof String s ? text(s, size) : null;
            case "numeric" -> bound instanceof BigDecimal d ? decimal(d, size, digits) : null;
            case "bool" -> bound instanceof Boolean b ? Value.of(b) : null;
            case "float8" -> bound instanceof Double d ? Value.of(d) : null;
            case "timestamp" -> isPlainTimestamp(bound) && exactTimestamp((Timestamp) bound, digits)
                    ? Value.of(((Timestamp) bound).toLocalDateTime()) : null;
            case "timestamptz" -> isPlainTimestamp(bound) && exactTimestamp((Timestamp) bound, digits)
                    ? Value.of(((Timestamp) bound).toInstant()) : null;
            default -> null;
        };
    }

    private static Value text(String s, int maxLength) {
        if (s.indexOf('\0') >= 0 || hasUnpairedSurrogate(s)) {
            return null; // refused, or sent as '?'
        }
        if (maxLength > 0 && s.codePointCount(0, s.length()) > maxLength) {
            return null; // refused, or cut if the excess is spaces
        }
        return Value.of(s);
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static Value decimal(BigDecimal d, int precision, Integer scale) {
        if (precision == 0 || scale == null) {
            return Value.of(d); // unconstrained numeric keeps every digit
        }
        BigDecimal stored;
        try {
            stored = d.setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException rounded) {
            return null;
        }
        return stored.precision() - stored.scale() > precision - scale ? null : Value.of(stored);
    }

    /** A java.sql.Timestamp itself: pgjdbc binds a subclass (its PGTimestamp) by that subclass's own calendar. */
    private static boolean isPlainTimestamp(Object bound) {
        return bound != null && bound.getClass() == Timestamp.class;
    }

    private static boolean exactTimestamp(Timestamp t, Integer digits) {
        int fraction = digits == null ? 6 : digits;
        if (fraction < 0 || fraction > 6 || t.getNanos() % (int) Math.pow(10, 9 - fraction) != 0) {
            return false;
        }
        // from 1900 on: no calendar cutover and no local-mean-time offsets between what pgjdbc sends and what it reads
        LocalDateTime local = t.toLocalDateTime();
        return local.getYear() >= 1900 && local.getYear() <= 9999;
    }
}
