package io.ledgerjdbc.ledger.entry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A row image (or a primary key): column names with their values. Columns are held in canonical order,
 * sorted by the unsigned bytes of their UTF-8 names, so an image does not depend on the order in which the
 * database's metadata happened to list the columns. Names are kept exactly as given (case included) and
 * must be distinct.
 */
public final class Row {

    private static final Row EMPTY = new Row(new String[0], new byte[0][], new Value[0]);

    private final String[] names;
    /** The UTF-8 form of each name: computed once, used to sort and to encode. */
    private final byte[][] utf8Names;
    private final Value[] values;

    private Row(String[] names, byte[][] utf8Names, Value[] values) {
        this.names = names;
        this.utf8Names = utf8Names;
        this.values = values;
    }

    public static Row empty() {
        return EMPTY;
    }

    /** A row from name/value pairs in any order; rejects duplicate names. */
    public static Row of(Map<String, ? extends Value> columns) {
        Builder b = builder();
        columns.forEach(b::put);
        return b.build();
    }

    /** A row from alternating name, value arguments: {@code Row.of("id", Value.of(1), "name", Value.of("a"))}. */
    public static Row of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected name, value pairs");
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.put((String) namesAndValues[i], (Value) namesAndValues[i + 1]);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int size() {
        return names.length;
    }

    public boolean isEmpty() {
        return names.length == 0;
    }

    /** Column name at canonical position {@code i}. */
    public String name(int i) {
        return names[i];
    }

    /** Value at canonical position {@code i}. */
    public Value value(int i) {
        return values[i];
    }

    /** The value of a column, or null (Java null, not {@link Value#NULL}) if the row has no such column. */
    public Value get(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    /** The UTF-8 bytes of the name at canonical position {@code i}; not a copy, so package-private. */
    byte[] utf8Name(int i) {
        return utf8Names[i];
    }

    public List<String> names() {
        return Collections.unmodifiableList(Arrays.asList(names));
    }

    /** The columns as an insertion-ordered map in canonical order. */
    public Map<String, Value> asMap() {
        Map<String, Value> m = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], values[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && Arrays.equals(names, r.names) && Arrays.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append('=').append(values[i]);
        }
        return sb.append('}').toString();
    }

    /** Orders names by the unsigned bytes of their UTF-8 form (the canonical column order). */
    public static int compareNames(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<Value> values = new ArrayList<>();

        private Builder() {
        }

        public Builder put(String name, Value value) {
            Objects.requireNonNull(name, "column name");
            Objects.requireNonNull(value, () -> "value of column " + name + " (use Value.NULL for SQL NULL)");
            if (Value.firstUnpairedSurrogate(name) >= 0) {
                throw new IllegalArgumentException("column name has an unpaired surrogate: " + name);
            }
            names.add(name);
            values.add(value);
            return this;
        }

        public Row build() {
            int n = names.size();
            if (n == 0) {
                return EMPTY;
            }
            byte[][] utf8 = new byte[n][];
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                utf8[i] = names.get(i).getBytes(StandardCharsets.UTF_8);
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> Arrays.compareUnsigned(utf8[x], utf8[y]));
            String[] sortedNames = new String[n];
            byte[][] sortedUtf8 = new byte[n][];
            Value[] sortedValues = new Value[n];
            for (int i = 0; i < n; i++) {
                sortedNames[i] = names.get(order[i]);
                sortedUtf8[i] = utf8[order[i]];
                sortedValues[i] = values.get(order[i]);
                if (i > 0 && sortedNames[i].equals(sortedNames[i - 1])) {
                    throw new IllegalArgumentException("duplicate column name: " + sortedNames[i]);
                }
            }
            return new Row(sortedNames, sortedUtf8, sortedValues);
        }
    }

    /**
     * The canonical order of a fixed list of column names, worked out once, so rows of those columns are built
     * without sorting or encoding names again (capture builds one per row read). Immutable and thread-safe.
     */
    public static final class Layout {
        private final String[] names;
        private final byte[][] utf8Names;
        /** {@code order[i]}: the index, in the given list, of the column at canonical position {@code i}. */
        private final int[] order;

        private Layout(String[] names, byte[][] utf8Names, int[] order) {
            this.names = names;
            this.utf8Names = utf8Names;
            this.order = order;
        }

        /** The layout of rows with these columns (distinct names, as {@link Builder#put} checks them). */
        public static Layout of(List<String> columns) {
            Builder b = builder();
            for (int i = 0; i < columns.size(); i++) {
                b.put(columns.get(i), Value.of(i));
            }
            Row sorted = b.build();
            int n = sorted.size();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = (int) ((Value.Int) sorted.values[i]).value();
            }
            return new Layout(sorted.names, sorted.utf8Names, order);
        }

        public int size() {
            return order.length;
        }

        /** A row from values given in the layout's column order (the array is not kept). */
        public Row row(Value[] values) {
            if (values.length != order.length) {
                throw new IllegalArgumentException("expected " + order.length + " values, got " + values.length);
            }
            if (order.length == 0) {
                return EMPTY;
            }
            Value[] sorted = new Value[order.length];
            for (int i = 0; i < order.length; i++) {
                sorted[i] = Objects.requireNonNull(values[order[i]], () -> "value of a column (use Value.NULL for SQL NULL)");
            }
            return new Row(names, utf8Names, sorted);
        }
    }

    /** Builds from already canonical arrays (the decoder checks the order itself). */
    static Row ofCanonical(String[] names, byte[][] utf8Names, Value[] values) {
        return names.length == 0 ? EMPTY : new Row(names, utf8Names, values);
    }
}
