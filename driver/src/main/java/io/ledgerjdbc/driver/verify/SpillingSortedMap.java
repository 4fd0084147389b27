package io.ledgerjdbc.driver.verify;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * A map from (group, key bytes) to (seq, value bytes), last write wins, read back once in key order (group, then
 * the key's unsigned bytes): the state check's "last image of every row", a group per table. It holds at most
 * {@code budgetBytes} in memory; beyond that it writes the current contents as a sorted run to a temporary file
 * and starts afresh, and reading merges the runs (a newer run's value for a key hides older ones). So the state
 * check's memory is bounded whatever the size of the tables, and nothing touches the disk while they fit.
 * A removed key leaves a tombstone that hides older runs and is itself never returned.
 *
 * <p>A <em>counted</em> record ({@link #add}) is a multiset entry instead: its value is how many equal rows
 * there are, the state of a key-less table, whose key is the whole row. Counts add up rather than overwrite, so
 * after a spill the newer runs hold deltas (which may be negative: a deletion of a row an older run counted)
 * and reading sums them; a sum of zero or less is not returned.
 *
 * <p>A verification puts once per row change, millions of times, so the map allocates nothing per put: records
 * live in one byte arena, found through an open-addressing index of arena offsets; a new value overwrites the
 * old one in place when it fits (a row's image rarely changes size). While nothing has spilled, {@link #find}
 * looks a key up, which lets the check compare a table read in any order without sorting it.
 */
final class SpillingSortedMap implements AutoCloseable {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    // record: group i32 | key length i32 | key | seq i64 | flags u8 | value capacity i32 | value length i32 | value
    private static final int KEY = 8;
    private static final int TAIL = 8 + 1 + 4 + 4;
    private static final byte DEAD = 1;      // superseded by a newer record of the same key
    private static final byte TOMBSTONE = 2; // the key was removed
    private static final byte SEEN = 4;      // marked by the comparison
    private static final byte COUNTED = 8;   // a multiset record: the value is (count i64, claimed i64), see add
    private static final int COUNTS = 16;

    private final long budgetBytes;
    private final List<Path> runs = new ArrayList<>();
    private byte[] arena;
    private int used;
    private int deadBytes;
    /** Index: arena offset + 1 of each key's live record (0 = empty slot), and the key's hash. */
    private int[] slots;
    private int[] hashes;
    private int keys;
    private final byte[] counts = new byte[COUNTS];

    SpillingSortedMap(long budgetBytes) {
        this.budgetBytes = budgetBytes;
        clear();
    }

    private void clear() {
        arena = new byte[(int) Math.min(1 << 16, Math.max(256, budgetBytes))];
        used = 0;
        deadBytes = 0;
        slots = new int[64];
        hashes = new int[64];
        keys = 0;
    }

    /** Sets the value of (group, key[from, to)) to seq and value[vFrom, vTo). */
    void put(int group, byte[] key, int from, int to, long seq, byte[] value, int vFrom, int vTo) {
        write(group, key, from, to, seq, value, vFrom, vTo, (byte) 0);
    }

    void put(int group, byte[] key, long seq, byte[] value) {
        put(group, key, 0, key.length, seq, value, 0, value.length);
    }

    /** Removes a key: a tombstone hides it (and any older run's value for it). */
    void remove(int group, byte[] key, int from, int to) {
        write(group, key, from, to, 0, key, 0, 0, TOMBSTONE);
    }

    void remove(int group, byte[] key) {
        remove(group, key, 0, key.length);
    }

    /**
     * Adds {@code delta} equal rows to the counted record of (group, key[from, to)); its seq is the highest seq
     * added (for the fold, which adds in seq order, the last change to how many there are). A key held by value
     * becomes counted, as one row (none if removed).
     */
    void add(int group, byte[] key, int from, int to, long seq, long delta) {
        int hash = hash(group, key, from, to);
        int i = slot(hash, group, key, from, to);
        if (slots[i] != 0) {
            int tail = tail(slots[i] - 1);
            if ((arena[tail + 8] & COUNTED) != 0) {
                LONG.set(arena, tail, Math.max(seq, (long) LONG.get(arena, tail)));
                LONG.set(arena, tail + 17, (long) LONG.get(arena, tail + 17) + delta);
                return;
            }
            delta += (arena[tail + 8] & TOMBSTONE) != 0 ? 0 : 1;
        }
        // an absent key is recorded even for a negative delta, so that the sums do not depend on when runs spill
        LONG.set(counts, 0, delta);
        LONG.set(counts, 8, 0L);
        write(hash, group, key, from, to, seq, counts, 0, COUNTS, COUNTED);
    }

    void add(int group, byte[] key, long seq, long delta) {
        add(group, key, 0, key.length, seq, delta);
    }

    private void write(int group, byte[] key, int from, int to, long seq, byte[] value, int vFrom, int vTo, byte flags) {
        write(hash(group, key, from, to), group, key, from, to, seq, value, vFrom, vTo, flags);
    }

    /** The index slot holding (group, key), or the empty slot where it would go. */
    private int slot(int hash, int group, byte[] key, int from, int to) {
        int mask = slots.length - 1;
        int i = hash & mask;
        while (slots[i] != 0 && !(hashes[i] == hash && sameKey(slots[i] - 1, group, key, from, to))) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void write(int hash, int group, byte[] key, int from, int to, long seq, byte[] value, int vFrom, int vTo, byte flags) {
        int i = slot(hash, group, key, from, to);
        int vLen = vTo - vFrom;
        if (slots[i] != 0) {
            int r = slots[i] - 1;
            int tail = r + KEY + (int) INT.get(arena, r + 4);
            if (vLen <= (int) INT.get(arena, tail + 9)) { // fits: overwrite in place
                LONG.set(arena, tail, seq);
                arena[tail + 8] = flags;
                INT.set(arena, tail + 13, vLen);
                System.arraycopy(value, vFrom, arena, tail + 17, vLen);
                return;
            }
            arena[tail + 8] = DEAD;
            deadBytes += recordSize(r);
            slots[i] = append(group, key, from, to, seq, value, vFrom, vTo, flags) + 1;
            afterGrowth();
            return;
        }
        if (flags == TOMBSTONE && runs.isEmpty()) {
            return; // nothing older to hide: removing an absent key is a no-op
        }
        slots[i] = append(group, key, from, to, seq, value, vFrom, vTo, flags) + 1;
        hashes[i] = hash;
        if (++keys * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        afterGrowth();
    }

    private int append(int group, byte[] key, int from, int to, long seq, byte[] value, int vFrom, int vTo, byte flags) {
        int kLen = to - from;
        int vLen = vTo - vFrom;
        int size = KEY + kLen + TAIL + vLen;
        if (used + size > arena.length) {
            long wanted = Math.max((long) used + size, Math.min(2L * arena.length, budgetBytes + size));
            if (wanted > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a state-check record does not fit in memory");
            }
            arena = Arrays.copyOf(arena, (int) wanted);
        }
        int r = used;
        INT.set(arena, r, group);
        INT.set(arena, r + 4, kLen);
        System.arraycopy(key, from, arena, r + KEY, kLen);
        int tail = r + KEY + kLen;
        LONG.set(arena, tail, seq);
        arena[tail + 8] = flags;
        INT.set(arena, tail + 9, vLen);
        INT.set(arena, tail + 13, vLen);
        System.arraycopy(value, vFrom, arena, tail + 17, vLen);
        used += size;
        return r;
    }

    /** Keeps memory within the budget: compacts when most of the arena is superseded records, else spills. */
    private void afterGrowth() {
        if (memoryBytes() <= budgetBytes) {
            return;
        }
        if (deadBytes * 2 > used) {
            compact();
        }
        if (memoryBytes() > budgetBytes) {
            spill();
        }
    }

    private long memoryBytes() {
        return (long) used + 8L * slots.length;
    }

    private void compact() {
        byte[] old = arena;
        arena = new byte[Math.max(256, used - deadBytes)];
        used = 0;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != 0) {
                int r = slots[i] - 1;
                int size = recordSize(old, r);
                System.arraycopy(old, r, arena, used, size);
                slots[i] = used + 1;
                used += size;
            }
        }
        deadBytes = 0;
    }

    private void rehash(int capacity) {
        int[] oldSlots = slots;
        int[] oldHashes = hashes;
        slots = new int[capacity];
        hashes = new int[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < oldSlots.length; j++) {
            if (oldSlots[j] != 0) {
                int i = oldHashes[j] & mask;
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = oldSlots[j];
                hashes[i] = oldHashes[j];
            }
        }
    }

    /** How many runs went to disk (for tests and reports). */
    int spilledRuns() {
        return runs.size();
    }

    // ---- lookups while nothing has spilled ------------------------------------------------------------

    /**
     * The record of (group, key[from, to)), or -1 when there is none (or it was removed); a counted record is
     * found whatever its count. Only before any spill.
     */
    int find(int group, byte[] key, int from, int to) {
        if (!runs.isEmpty()) {
            throw new IllegalStateException("find needs every key in memory; this map has spilled");
        }
        int i = slot(hash(group, key, from, to), group, key, from, to);
        if (slots[i] == 0) {
            return -1;
        }
        int r = slots[i] - 1;
        return (flags(r) & TOMBSTONE) != 0 ? -1 : r;
    }

    long seq(int record) {
        return (long) LONG.get(arena, tail(record));
    }

    /** Whether the record's value is {@code value[from, to)}. */
    boolean valueEquals(int record, byte[] value, int from, int to) {
        int tail = tail(record);
        int len = (int) INT.get(arena, tail + 13);
        return Arrays.equals(arena, tail + 17, tail + 17 + len, value, from, to);
    }

    /** Marks a record seen; false if it already was. */
    boolean markSeen(int record) {
        int at = tail(record) + 8;
        boolean first = (arena[at] & SEEN) == 0;
        arena[at] |= SEEN;
        return first;
    }

    boolean isCounted(int record) {
        return (flags(record) & COUNTED) != 0;
    }

    /** Counts one more row claimed by a counted record (the comparison's tally of equal rows found). */
    void claim(int record) {
        int at = tail(record) + 17 + 8;
        LONG.set(arena, at, (long) LONG.get(arena, at) + 1);
    }

    /**
     * The records of {@code group} the comparison did not account for, in key order: live records not marked
     * seen, and counted records whose claimed rows are not their count (fewer or more).
     */
    List<Item> unseen(int group) {
        List<Integer> found = new ArrayList<>();
        for (int slot : slots) {
            int r = slot - 1;
            if (slot == 0 || (int) INT.get(arena, r) != group) {
                continue;
            }
            byte flags = flags(r);
            if ((flags & COUNTED) != 0 ? Math.max(0, count(r)) != claimed(r) : (flags & (TOMBSTONE | SEEN)) == 0) {
                found.add(r);
            }
        }
        found.sort((a, b) -> compareKeys(arena, a, arena, b));
        List<Item> out = new ArrayList<>(found.size());
        for (int r : found) {
            out.add(item(r));
        }
        return out;
    }

    /** Each live record of {@code group}, in no particular order (a counted one whatever its count). */
    void forEach(int group, java.util.function.Consumer<Item> action) {
        for (int slot : slots) {
            int r = slot - 1;
            if (slot != 0 && (int) INT.get(arena, r) == group && (flags(r) & TOMBSTONE) == 0) {
                action.accept(item(r));
            }
        }
    }

    /**
     * The number of rows of {@code group} (a counted record counts its rows) and the highest seq among them (for
     * a table that is gone).
     */
    long[] countAndMaxSeq(int group) {
        long count = 0;
        long max = 0;
        for (int slot : slots) {
            int r = slot - 1;
            if (slot == 0 || (int) INT.get(arena, r) != group || (flags(r) & TOMBSTONE) != 0) {
                continue;
            }
            long rows = (flags(r) & COUNTED) != 0 ? count(r) : 1;
            if (rows > 0) {
                count += rows;
                max = Math.max(max, seq(r));
            }
        }
        return new long[] {count, max};
    }

    private long count(int r) {
        return (long) LONG.get(arena, tail(r) + 17);
    }

    private long claimed(int r) {
        return (long) LONG.get(arena, tail(r) + 17 + 8);
    }

    private Item item(int r) {
        int kLen = (int) INT.get(arena, r + 4);
        int tail = r + KEY + kLen;
        int vLen = (int) INT.get(arena, tail + 13);
        int group = (int) INT.get(arena, r);
        byte[] key = Arrays.copyOfRange(arena, r + KEY, r + KEY + kLen);
        long seq = (long) LONG.get(arena, tail);
        byte flags = arena[tail + 8];
        if ((flags & COUNTED) != 0) {
            return Item.counted(group, key, seq, count(r), claimed(r));
        }
        return new Item(group, key, seq, (flags & TOMBSTONE) != 0 ? null : Arrays.copyOfRange(arena, tail + 17, tail + 17 + vLen));
    }

    // ---- records --------------------------------------------------------------------------------------

    private int tail(int r) {
        return r + KEY + (int) INT.get(arena, r + 4);
    }

    private byte flags(int r) {
        return arena[tail(r) + 8];
    }

    private int recordSize(int r) {
        return recordSize(arena, r);
    }

    private static int recordSize(byte[] a, int r) {
        int tail = r + KEY + (int) INT.get(a, r + 4);
        return tail + TAIL + (int) INT.get(a, tail + 9) - r;
    }

    private boolean sameKey(int r, int group, byte[] key, int from, int to) {
        int kLen = (int) INT.get(arena, r + 4);
        return (int) INT.get(arena, r) == group && kLen == to - from
                && Arrays.equals(arena, r + KEY, r + KEY + kLen, key, from, to);
    }

    /** FNV-1a over group and key, then a 64-bit finaliser so that every byte reaches the low bits the index uses. */
    private static int hash(int group, byte[] key, int from, int to) {
        long h = (0xcbf29ce484222325L ^ group) * 0x100000001b3L;
        for (int i = from; i < to; i++) {
            h = (h ^ (key[i] & 0xFF)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        return (int) (h ^ (h >>> 32));
    }

    private static int compareKeys(byte[] a, int ra, byte[] b, int rb) {
        int c = Integer.compare((int) INT.get(a, ra), (int) INT.get(b, rb));
        if (c != 0) {
            return c;
        }
        return Arrays.compareUnsigned(a, ra + KEY, ra + KEY + (int) INT.get(a, ra + 4), b, rb + KEY, rb + KEY + (int) INT.get(b, rb + 4));
    }

    /**
     * The offsets of the live records (tombstones too when {@code withTombstones}), sorted by key. A counted
     * record whose count is zero changes no sum, but is kept where older runs may count the key: it carries
     * the key's newest seq.
     */
    private int[] sortedRecords(boolean withTombstones) {
        int[] out = new int[keys];
        int n = 0;
        for (int slot : slots) {
            if (slot == 0) {
                continue;
            }
            byte flags = flags(slot - 1);
            if (withTombstones || (flags & TOMBSTONE) == 0 && ((flags & COUNTED) == 0 || count(slot - 1) != 0)) {
                out[n++] = slot - 1;
            }
        }
        out = Arrays.copyOf(out, n);
        mergeSort(out, new int[n], 0, n);
        return out;
    }

    private void mergeSort(int[] a, int[] scratch, int from, int to) {
        if (to - from < 16) {
            for (int i = from + 1; i < to; i++) {
                int x = a[i];
                int j = i - 1;
                while (j >= from && compareKeys(arena, a[j], arena, x) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, scratch, from, mid);
        mergeSort(a, scratch, mid, to);
        System.arraycopy(a, from, scratch, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            a[k] = j >= to || i < mid && compareKeys(arena, scratch[i], arena, scratch[j]) <= 0 ? scratch[i++] : scratch[j++];
        }
    }

    private void spill() {
        try {
            Path file = Files.createTempFile("ledgerjdbc-state", ".run");
            file.toFile().deleteOnExit();
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
                // the first run needs no tombstones: there is nothing older for them to hide
                for (int r : sortedRecords(!runs.isEmpty())) {
                    int kLen = (int) INT.get(arena, r + 4);
                    int tail = r + KEY + kLen;
                    out.writeInt((int) INT.get(arena, r));
                    out.writeInt(kLen);
                    out.write(arena, r + KEY, kLen);
                    out.writeLong((long) LONG.get(arena, tail));
                    if ((arena[tail + 8] & COUNTED) != 0) {
                        out.writeInt(COUNTED_RUN);
                        out.writeLong(count(r));
                    } else if ((arena[tail + 8] & TOMBSTONE) != 0) {
                        out.writeInt(TOMBSTONE_RUN);
                    } else {
                        int vLen = (int) INT.get(arena, tail + 13);
                        out.writeInt(vLen);
                        out.write(arena, tail + 17, vLen);
                    }
                }
            }
            runs.add(file);
            clear();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a state-check run to the temporary directory", e);
        }
    }

    /** In a run file, the value length of a tombstone, and of a counted record (its count follows). */
    private static final int TOMBSTONE_RUN = -1;
    private static final int COUNTED_RUN = -2;

    /**
     * A key and its value, in key order (value null for a tombstone, which a cursor never returns). A counted
     * item has no value but a count of equal rows, and (from {@link #unseen}) how many the comparison claimed.
     */
    record Item(int group, byte[] key, long seq, byte[] value, boolean counted, long count, long claimed) {

        Item(int group, byte[] key, long seq, byte[] value) {
            this(group, key, seq, value, false, value == null ? 0 : 1, 0);
        }

        static Item counted(int group, byte[] key, long seq, long count, long claimed) {
            return new Item(group, key, seq, null, true, count, claimed);
        }
    }

    /**
     * Reads everything in key order, newest value per key, tombstones dropped; a counted key's runs are summed
     * (highest seq), and returned only when the sum is positive. Call once.
     */
    Cursor cursor() {
        return cursor(false);
    }

    /**
     * As {@link #cursor()}; {@code withDebts} returns a counted key whose sum is negative too (more equal rows
     * taken away than added: the state check's debts of rows counted under another key), only zero is left out.
     */
    Cursor cursor(boolean withDebts) {
        List<Source> sources = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            sources.add(new FileSource(runs.get(i), i));
        }
        sources.add(new MemorySource(sortedRecords(!runs.isEmpty()), runs.size()));
        return new Cursor(sources, withDebts);
    }

    @Override
    public void close() {
        for (Path p : runs) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary file; deleteOnExit will try again
            }
        }
        runs.clear();
        clear();
    }

    /** A merge of sorted sources: the one with the highest age wins a tie. */
    static final class Cursor {
        private final PriorityQueue<Source> queue = new PriorityQueue<>((a, b) -> {
            int c = compare(a.head, b.head);
            return c != 0 ? c : Integer.compare(b.age, a.age);
        });
        private final boolean withDebts;
        private Item next;

        Cursor(List<Source> sources, boolean withDebts) {
            this.withDebts = withDebts;
            for (Source s : sources) {
                if (s.advance()) {
                    queue.add(s);
                }
            }
            next = fetch();
        }

        private static int compare(Item a, Item b) {
            int c = Integer.compare(a.group, b.group);
            return c != 0 ? c : Arrays.compareUnsigned(a.key, b.key);
        }

        boolean hasNext() {
            return next != null;
        }

        /** The next item without consuming it, or null at the end. */
        Item peek() {
            return next;
        }

        Item next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Item out = next;
            next = fetch();
            return out;
        }

        private Item fetch() {
            while (!queue.isEmpty()) {
                Source top = queue.poll();
                Item winner = top.head;
                if (top.advance()) {
                    queue.add(top);
                }
                long count = winner.count;
                long seq = winner.seq;
                while (!queue.isEmpty() && compare(queue.peek().head, winner) == 0) {
                    Source older = queue.poll();
                    if (winner.counted && older.head.counted) {
                        count += older.head.count;
                        seq = Math.max(seq, older.head.seq);
                    }
                    if (older.advance()) {
                        queue.add(older);
                    }
                }
                if (winner.counted) {
                    if (count > 0 || withDebts && count < 0) {
                        return count == winner.count && seq == winner.seq ? winner : Item.counted(winner.group, winner.key, seq, count, 0);
                    }
                } else if (winner.value != null) {
                    return winner;
                }
            }
            return null;
        }
    }

    private abstract static class Source {
        final int age;
        Item head;

        Source(int age) {
            this.age = age;
        }

        abstract boolean advance();
    }

    private final class MemorySource extends Source {
        private final int[] records;
        private int at;

        MemorySource(int[] records, int age) {
            super(age);
            this.records = records;
        }

        @Override
        boolean advance() {
            if (at == records.length) {
                return false;
            }
            head = item(records[at++]);
            return true;
        }
    }

    private static final class FileSource extends Source {
        private final DataInputStream in;

        FileSource(Path file, int age) {
            super(age);
            try {
                in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        boolean advance() {
            try {
                int group;
                try {
                    group = in.readInt();
                } catch (EOFException end) {
                    in.close();
                    return false;
                }
                byte[] k = in.readNBytes(in.readInt());
                long seq = in.readLong();
                int vl = in.readInt();
                if (vl == COUNTED_RUN) {
                    head = Item.counted(group, k, seq, in.readLong(), 0);
                } else {
                    head = new Item(group, k, seq, vl == TOMBSTONE_RUN ? null : in.readNBytes(vl));
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read a state-check run", e);
            }
        }
    }
}
