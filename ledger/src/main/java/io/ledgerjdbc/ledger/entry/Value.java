package io.ledgerjdbc.ledger.entry;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A typed column value as the ledger records it. Each kind is canonical on construction, so two values that
 * mean the same thing are {@code equals} and encode to the same bytes on every JVM and backend:
 * decimals drop trailing zeros (1.0 = 1.00), every NaN is the one quiet NaN, timestamps with a zone are
 * instants in UTC (the offset is not part of the value), text is kept code point for code point (no Unicode
 * normalisation, because the database does not normalise either) and must not hold unpaired surrogates.
 */
public sealed interface Value {

    ValueType type();

    /** SQL NULL. */
    Null NULL = new Null();


    record Null() implements Value {
        @Override public ValueType type() { return ValueType.NULL; }
        @Override public String toString() { return "NULL"; }
    }

    record Int(long value) implements Value {
        @Override public ValueType type() { return ValueType.INTEGER; }
        @Override public String toString() { return Long.toString(value); }
    }

    record Decimal(BigDecimal value) implements Value {
        public Decimal {
            Objects.requireNonNull(value, "value");
            value = canonical(value);
        }

        static BigDecimal canonical(BigDecimal d) {
            try {
                return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("decimal " + d.unscaledValue() + "E" + (-(long) d.scale())
                        + " cannot be normalised: its scale overflows", e);
            }
        }

        @Override public ValueType type() { return ValueType.DECIMAL; }

        /** Plain digits for everyday scales; scientific notation where plain digits would be absurdly long. */
        @Override public String toString() {
            int scale = value.scale();
            return scale >= -40 && scale <= 40 ? value.toPlainString() : value.toString();
        }
    }

    record Float(double value) implements Value {
        public Float {
            if (Double.isNaN(value)) {
                value = Double.NaN; // the canonical quiet NaN, whatever payload the backend returned
            }
        }

        @Override public ValueType type() { return ValueType.FLOAT; }
        @Override public String toString() { return Double.toString(value); }
    }

    record Text(String value) implements Value {
        public Text {
            Objects.requireNonNull(value, "value");
            int bad = firstUnpairedSurrogate(value);
            if (bad >= 0) {
                throw new IllegalArgumentException("text has an unpaired surrogate at index " + bad
                        + "; it has no UTF-8 form and cannot be recorded faithfully");
            }
        }

        @Override public ValueType type() { return ValueType.TEXT; }
        @Override public String toString() { return '\'' + value + '\''; }
    }

    /** Bytes; the array is copied in and out, so a value can never change after it is recorded. */
    final class Bytes implements Value {
        private final byte[] value;

        public Bytes(byte[] value) {
            this.value = Objects.requireNonNull(value, "value").clone();
        }

        /** Wraps without copying; only for arrays nobody else holds (the decoder's own buffers). */
        static Bytes adopt(byte[] value) {
            return new Bytes(value, Adopt.TOKEN);
        }

        private enum Adopt { TOKEN }

        private Bytes(byte[] value, Adopt token) {
            this.value = value;
        }

        public byte[] value() { return value.clone(); }

        public int length() { return value.length; }

        byte[] unsafeArray() { return value; }

        @Override public ValueType type() { return ValueType.BYTES; }

        @Override public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override public int hashCode() { return Arrays.hashCode(value); }

        @Override public String toString() {
            return value.length <= 32 ? "X'" + HexFormat.of().formatHex(value) + "'"
                    : "X'" + HexFormat.of().formatHex(value, 0, 32) + "…' (" + value.length + " bytes)";
        }
    }

    record Bool(boolean value) implements Value {
        @Override public ValueType type() { return ValueType.BOOLEAN; }
        @Override public String toString() { return Boolean.toString(value); }
    }

    record Date(LocalDate value) implements Value {
        public Date { Objects.requireNonNull(value, "value"); }
        @Override public ValueType type() { return ValueType.DATE; }
        @Override public String toString() { return value.toString(); }
    }

    record Time(LocalTime value) implements Value {
        public Time { Objects.requireNonNull(value, "value"); }
        @Override public ValueType type() { return ValueType.TIME; }
        @Override public String toString() { return value.toString(); }
    }

    /** TIMESTAMP WITHOUT TIME ZONE: a wall-clock date and time, nanosecond precision. */
    record Timestamp(LocalDateTime value) implements Value {
        public Timestamp { Objects.requireNonNull(value, "value"); }
        @Override public ValueType type() { return ValueType.TIMESTAMP; }
        @Override public String toString() { return value.toString(); }
    }

    /** TIMESTAMP WITH TIME ZONE: an instant; the offset it was written with is not kept. */
    record TimestampTz(Instant value) implements Value {
        public TimestampTz { Objects.requireNonNull(value, "value"); }
        @Override public ValueType type() { return ValueType.TIMESTAMP_TZ; }
        @Override public String toString() { return value.toString(); }
    }

    static Value of(long v) { return new Int(v); }
    static Value of(String v) { return v == null ? NULL : new Text(v); }
    static Value of(BigDecimal v) { return v == null ? NULL : new Decimal(v); }
    static Value of(double v) { return new Float(v); }
    static Value of(boolean v) { return new Bool(v); }
    static Value of(byte[] v) { return v == null ? NULL : new Bytes(v); }
    static Value of(LocalDate v) { return v == null ? NULL : new Date(v); }
    static Value of(LocalTime v) { return v == null ? NULL : new Time(v); }
    static Value of(LocalDateTime v) { return v == null ? NULL : new Timestamp(v); }
    static Value of(Instant v) { return v == null ? NULL : new TimestampTz(v); }

    /** Index of the first unpaired surrogate in {@code s}, or -1. */
    static int firstUnpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
