package io.ledgerjdbc.driver.replay;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * A map from byte keys to byte values, last write wins, read back once in unsigned key order. It holds at
 * most {@code budgetBytes} in memory; beyond that it writes the current contents as a sorted run to a temporary
 * file and starts afresh, and reading merges the runs (a newer run's value for a key hides older ones). So the
 * state check's memory is bounded whatever the size of the tables, and nothing touches the disk while they fit.
 * A null value is a tombstone: it hides older values and is itself never returned.
 */
final class SpillingSortedMap implements AutoCloseable {

    /** Per-entry overhead of a HashMap entry with its key wrapper and two arrays, roughly, on a 64-bit JVM. */
    private static final int ENTRY_OVERHEAD = 96;

    private final long budgetBytes;
    private final List<Path> runs = new ArrayList<>();
    private Map<Key, byte[]> memory = new HashMap<>();
    private long memoryBytes;

    SpillingSortedMap(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    void put(byte[] key, byte[] value) {
        byte[] old = memory.put(new Key(key), value);
        if (old == null) {
            memoryBytes += key.length + ENTRY_OVERHEAD;
        }
        memoryBytes += (value == null ? 0 : value.length) - (old == null ? 0 : old.length);
        if (memoryBytes > budgetBytes) {
            spill();
        }
    }

    /** Removes a key: while nothing has spilled it is simply forgotten, afterwards a tombstone hides older runs. */
    void remove(byte[] key) {
        if (runs.isEmpty()) {
            byte[] old = memory.remove(new Key(key));
            if (old != null) {
                memoryBytes -= key.length + ENTRY_OVERHEAD + old.length;
            }
        } else {
            put(key, null);
        }
    }

    /** How many runs went to disk (for tests and reports). */
    int spilledRuns() {
        return runs.size();
    }

    private void spill() {
        try {
            Path file = Files.createTempFile("ledgerjdbc-state", ".run");
            file.toFile().deleteOnExit();
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
                for (Map.Entry<Key, byte[]> e : sorted(memory)) {
                    byte[] k = e.getKey().bytes;
                    out.writeInt(k.length);
                    out.write(k);
                    byte[] v = e.getValue();
                    out.writeInt(v == null ? -1 : v.length);
                    if (v != null) {
                        out.write(v);
                    }
                }
            }
            runs.add(file);
            memory = new HashMap<>();
            memoryBytes = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a state-check run to the temporary directory", e);
        }
    }

    private static List<Map.Entry<Key, byte[]>> sorted(Map<Key, byte[]> m) {
        List<Map.Entry<Key, byte[]>> list = new ArrayList<>(m.entrySet());
        list.sort((a, b) -> Arrays.compareUnsigned(a.getKey().bytes, b.getKey().bytes));
        return list;
    }

    /**
     * A key in memory. ByteBuffer's and Arrays' hash codes are a base-31 polynomial of the bytes, which maps
     * keys that differ only in their last two or three bytes (every integer primary key below a few million)
     * onto a few thousand values: bins turn into trees and every put pays for it. This one mixes every byte.
     */
    private static final class Key {
        final byte[] bytes;
        private final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            long h = 0xcbf29ce484222325L; // FNV-1a 64, then a 64-bit finaliser so every bit reaches the low ones
            for (byte b : bytes) {
                h = (h ^ (b & 0xFF)) * 0x100000001b3L;
            }
            h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
            this.hash = (int) (h ^ (h >>> 32));
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && Arrays.equals(bytes, k.bytes);
        }
    }

    /** A key and its value, in key order. */
    record Item(byte[] key, byte[] value) {
    }

    /** Reads everything in unsigned key order, newest value per key, tombstones dropped. Call once. */
    Cursor cursor() {
        List<Source> sources = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            sources.add(new FileSource(runs.get(i), i));
        }
        sources.add(new MemorySource(sorted(memory), runs.size()));
        memory = new HashMap<>();
        memoryBytes = 0;
        return new Cursor(sources);
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
        memory = new HashMap<>();
    }

    /** A merge of sorted sources: the one with the highest age wins a tie. */
    static final class Cursor {
        private final PriorityQueue<Source> queue = new PriorityQueue<>((a, b) -> {
            int c = Arrays.compareUnsigned(a.head.key, b.head.key);
            return c != 0 ? c : Integer.compare(b.age, a.age);
        });
        private Item next;

        Cursor(List<Source> sources) {
            for (Source s : sources) {
                if (s.advance()) {
                    queue.add(s);
                }
            }
            next = fetch();
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
                while (!queue.isEmpty() && Arrays.equals(queue.peek().head.key, winner.key)) {
                    Source older = queue.poll();
                    if (older.advance()) {
                        queue.add(older);
                    }
                }
                if (winner.value != null) {
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

    private static final class MemorySource extends Source {
        private final List<Map.Entry<Key, byte[]>> items;
        private int at;

        MemorySource(List<Map.Entry<Key, byte[]>> items, int age) {
            super(age);
            this.items = items;
        }

        @Override
        boolean advance() {
            if (at == items.size()) {
                return false;
            }
            Map.Entry<Key, byte[]> e = items.get(at);
            items.set(at++, null); // let the consumed entries go
            head = new Item(e.getKey().bytes, e.getValue());
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
                int kl;
                try {
                    kl = in.readInt();
                } catch (EOFException end) {
                    in.close();
                    return false;
                }
                byte[] k = in.readNBytes(kl);
                int vl = in.readInt();
                byte[] v = vl < 0 ? null : in.readNBytes(vl);
                head = new Item(k, v);
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read a state-check run", e);
            }
        }
    }
}
