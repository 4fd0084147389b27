package io.ledgerjdbc.driver.verify;

import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.Value;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state check's comparison of a table without a primary key whose rows were partly last written before its
 * last {@code ALTER TABLE}: those rows' whole-row keys lack a column added since (or hold one dropped or renamed
 * since), so they are matched with the table's rows on the columns both sides have, still counting equal rows.
 *
 * <p>The ledger's counts fall into levels, one per set of shared columns: level 0 is every column the table has
 * (rows written since the ALTER, and older ones it left alone), the others are the columns each earlier span
 * between ALTERs shares with the table, widest first. Level by level, the table's rows not yet matched are
 * projected onto the level's columns and take what that level counts; what is left goes on to the next level,
 * and what the last leaves over is extra. A more specific match is taken first, so a row inserted after the
 * ALTER is matched with its own record before an older row equal to it on fewer columns.
 *
 * <p>The driver deletes or updates an old row by its current, wider image: the ledger then counts minus one
 * of the wide row at level 0. Such a debt is carried down with the row it names and cancels one of the counts of
 * the first level that holds an equal row, before the table's rows take any.
 *
 * <p>Memory is bounded: the counts and the rows still to match are {@link SpillingSortedMap}s, read in key order,
 * and the key puts the projection first, so a level's groups of equal projections are merged as streams.
 */
final class SharedColumnsMatch implements AutoCloseable {

    /** Where the comparison's findings go. */
    interface Findings {
        /**
         * The ledger has {@code want} rows equal to {@code image} and the table {@code got} of them (fewer);
         * {@code shared} when they were compared on the columns both sides have only, those of {@code image}.
         */
        void missing(Row image, long seq, long want, long got, boolean shared) throws SQLException;

        /** {@code extra} rows equal to {@code row} beyond the {@code want} the ledger has (on {@code shared} columns). */
        void added(Row row, long want, long extra, boolean shared);
    }

    private static final byte DEBT = 0; // sorts before the rows of its group: it cancels a count before they take it
    private static final byte ROW = 1;

    /** The columns of each level; level 0 the table's own. */
    private final List<List<String>> levels = new ArrayList<>();
    private final Map<Set<String>, Integer> levelOf = new HashMap<>();
    private final long budget;
    /** The ledger's counts: group = level, key = length-prefixed projection. */
    private final SpillingSortedMap counts;
    /** Rows (and debts) still to match at the current level: key = length-prefixed projection, kind, image. */
    private SpillingSortedMap pending;

    /**
     * @param tableColumns the table's columns now
     * @param spanKeys     a whole-row key from each span between ALTERs that wrote rows: their columns
     * @param budget       memory for all of it
     */
    SharedColumnsMatch(List<String> tableColumns, Collection<byte[]> spanKeys, long budget) {
        this.budget = Math.max(4096, budget / 3); // three maps are alive at a time
        Set<String> all = new LinkedHashSet<>(tableColumns);
        List<Set<String>> shapes = new ArrayList<>();
        shapes.add(all);
        for (byte[] key : spanKeys) {
            Set<String> shared = new LinkedHashSet<>(EntryCodec.decodeImage(key).names());
            shared.retainAll(all);
            if (!shapes.contains(shared)) {
                shapes.add(shared);
            }
        }
        shapes.subList(1, shapes.size()).sort(Comparator.comparingInt((Set<String> s) -> -s.size()).thenComparing(Object::toString));
        for (Set<String> s : shapes) {
            levelOf.put(s, levels.size());
            levels.add(List.copyOf(s));
        }
        this.counts = new SpillingSortedMap(this.budget);
        this.pending = new SpillingSortedMap(this.budget);
    }

    /**
     * The ledger counts {@code count} rows equal to {@code key} (a whole row); {@code stale} when they were last
     * changed before the table's last ALTER TABLE, so compared on the columns they share with the table.
     * A count the ledger has for a row of another shape that is not stale is compared as it is.
     */
    void expect(byte[] key, long seq, long count, boolean stale) {
        if (!stale) {
            counts.add(0, prefixed(key), seq, count);
            return;
        }
        Row row = EntryCodec.decodeImage(key);
        Set<String> shared = new LinkedHashSet<>(row.names());
        shared.retainAll(levels.get(0));
        Integer level = levelOf.get(shared);
        if (level == null) { // a shape no span left: compared as it is (and so found missing)
            counts.add(0, prefixed(key), seq, count);
        } else {
            counts.add(level, prefixed(EntryCodec.encodeImage(project(row, levels.get(level)))), seq, count);
        }
    }

    /** A row the table holds (its whole image, every column it has). */
    void row(byte[] image) {
        pending.add(0, pendingKey(image, ROW, image), 0, 1);
    }

    /** Matches level by level and reports what the counts and the rows differ by. */
    void finish(Findings findings) throws SQLException {
        SpillingSortedMap.Cursor want = counts.cursor(true);
        for (int level = 0; level < levels.size(); level++) {
            boolean last = level == levels.size() - 1;
            SpillingSortedMap next = last ? null : new SpillingSortedMap(budget);
            try (SpillingSortedMap here = pending) {
                match(level, want, here.cursor(), next, findings);
            }
            pending = next;
        }
    }

    private void match(int level, SpillingSortedMap.Cursor want, SpillingSortedMap.Cursor have, SpillingSortedMap next,
                       Findings findings) throws SQLException {
        boolean shared = level > 0;
        while (true) {
            SpillingSortedMap.Item w = want.hasNext() && want.peek().group() == level ? want.peek() : null;
            SpillingSortedMap.Item h = have.peek();
            if (w == null && h == null) {
                return;
            }
            int order = w == null ? 1 : h == null ? -1 : Arrays.compareUnsigned(w.key(), 0, w.key().length, h.key(), 0, prefixLength(h.key()));
            byte[] prefix;
            long ledger = 0;
            long seq = 0;
            if (order <= 0) {
                w = want.next();
                prefix = w.key();
                ledger = w.count();
                seq = w.seq();
            } else {
                prefix = Arrays.copyOf(h.key(), prefixLength(h.key()));
            }
            if (ledger < 0 && next != null) {
                // the driver took rows of this (wide) image away that the ledger counted at a narrower level
                byte[] image = Arrays.copyOfRange(prefix, 4, prefix.length);
                carry(next, level + 1, DEBT, image, -ledger);
            }
            long available = Math.max(0, ledger);
            long owed = available;
            while (have.hasNext() && startsWith(have.peek().key(), prefix)) {
                SpillingSortedMap.Item item = have.next();
                byte[] image = Arrays.copyOfRange(item.key(), prefix.length + 1, item.key().length);
                long used = Math.min(item.count(), available);
                available -= used;
                long rest = item.count() - used;
                if (item.key()[prefix.length] == DEBT) {
                    owed -= used;
                    if (rest > 0 && next != null) {
                        carry(next, level + 1, DEBT, image, rest);
                    }
                } else if (rest > 0 && next != null) {
                    carry(next, level + 1, ROW, image, rest);
                } else if (rest > 0) {
                    findings.added(EntryCodec.decodeImage(image), owed, rest, shared);
                }
            }
            if (available > 0) {
                findings.missing(EntryCodec.decodeImage(Arrays.copyOfRange(prefix, 4, prefix.length)), seq, owed, owed - available, shared);
            }
        }
    }

    /** Puts {@code count} rows (or debts) of {@code image} where level {@code level} will look for them. */
    private void carry(SpillingSortedMap next, int level, byte kind, byte[] image, long count) {
        Row projected = project(EntryCodec.decodeImage(image), levels.get(level));
        if (projected != null) { // (a debt of a row of another shape has nothing to cancel there)
            next.add(0, pendingKey(EntryCodec.encodeImage(projected), kind, image), 0, count);
        }
    }

    /** The row's values of {@code columns}, or null when it lacks one of them. */
    private static Row project(Row row, List<String> columns) {
        Row.Builder b = Row.builder();
        for (String name : columns) {
            Value v = row.get(name);
            if (v == null) {
                return null;
            }
            b.put(name, v);
        }
        return b.build();
    }

    private static byte[] prefixed(byte[] projection) {
        return ByteBuffer.allocate(4 + projection.length).putInt(projection.length).put(projection).array();
    }

    private static byte[] pendingKey(byte[] projection, byte kind, byte[] image) {
        return ByteBuffer.allocate(4 + projection.length + 1 + image.length)
                .putInt(projection.length).put(projection).put(kind).put(image).array();
    }

    private static int prefixLength(byte[] pendingKey) {
        return 4 + ByteBuffer.wrap(pendingKey).getInt(0);
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length > prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public void close() {
        counts.close();
        if (pending != null) {
            pending.close();
        }
    }
}
