package io.ledgerjdbc.driver.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The spilling map reads back exactly what a sorted in-memory map holds, whether or not it spilled. */
class SpillingSortedMapTest {

    private static byte[] key(int k) {
        return ByteBuffer.allocate(4).putInt(k).array(); // big-endian non-negative ints sort like the numbers
    }

    /** Keys of two groups; values of varying length, so records are overwritten in place, superseded and compacted. */
    @Test
    void putsOverwritesAndRemovesReadBackInKeyOrderAcrossSpilledRuns() {
        for (long budget : new long[] {1 << 20, 4096, 300}) {
            Random random = new Random(budget);
            TreeMap<Long, String> reference = new TreeMap<>();
            try (SpillingSortedMap map = new SpillingSortedMap(budget)) {
                for (int i = 0; i < 5000; i++) {
                    int group = random.nextInt(2);
                    int k = random.nextInt(800);
                    long both = (long) group << 32 | k;
                    if (random.nextInt(4) == 0) {
                        map.remove(group, key(k));
                        reference.remove(both);
                    } else {
                        String v = "v" + i + "x".repeat(random.nextInt(8));
                        map.put(group, key(k), i, v.getBytes());
                        reference.put(both, i + ":" + v);
                    }
                }
                if (budget < 5000) {
                    assertThat(map.spilledRuns()).as("budget " + budget).isGreaterThan(1);
                } else {
                    assertThat(map.spilledRuns()).isZero();
                }
                List<String> read = new ArrayList<>();
                SpillingSortedMap.Cursor c = map.cursor();
                while (c.hasNext()) {
                    SpillingSortedMap.Item item = c.next();
                    read.add(item.group() + "/" + ByteBuffer.wrap(item.key()).getInt() + "=" + item.seq() + ":" + new String(item.value()));
                }
                List<String> expected = new ArrayList<>();
                reference.forEach((k, v) -> expected.add((k >>> 32) + "/" + (k & 0xFFFFFFFFL) + "=" + v));
                assertThat(read).as("budget " + budget).isEqualTo(expected);
            }
        }
    }

    /**
     * Counted keys (the rows of a key-less table): adds and removals of equal rows sum up across spilled runs, a
     * key whose rows are all gone is not read back, and each key carries the seq that last changed its count.
     */
    @Test
    void countedKeysSumTheirRowsAcrossSpilledRunsAndVanishAtZero() {
        for (long budget : new long[] {1 << 20, 4096, 1000}) {
            Random random = new Random(budget);
            TreeMap<Long, long[]> reference = new TreeMap<>(); // count, last seq
            try (SpillingSortedMap map = new SpillingSortedMap(budget)) {
                for (int i = 1; i <= 5000; i++) {
                    int group = random.nextInt(2);
                    int k = random.nextInt(300);
                    long[] ref = reference.computeIfAbsent((long) group << 32 | k, x -> new long[2]);
                    long delta = ref[0] > 0 && random.nextInt(5) < 2 ? -1 : 1 + random.nextInt(2);
                    map.add(group, key(k), i, delta);
                    ref[0] += delta;
                    ref[1] = i;
                }
                if (budget < 5000) {
                    assertThat(map.spilledRuns()).as("budget " + budget).isGreaterThan(1);
                } else {
                    assertThat(map.spilledRuns()).isZero();
                }
                List<String> read = new ArrayList<>();
                SpillingSortedMap.Cursor c = map.cursor();
                while (c.hasNext()) {
                    SpillingSortedMap.Item item = c.next();
                    assertThat(item.counted()).isTrue();
                    read.add(item.group() + "/" + ByteBuffer.wrap(item.key()).getInt() + "=" + item.count() + "@" + item.seq());
                }
                List<String> expected = new ArrayList<>();
                reference.forEach((k, v) -> {
                    if (v[0] > 0) {
                        expected.add((k >>> 32) + "/" + (k & 0xFFFFFFFFL) + "=" + v[0] + "@" + v[1]);
                    }
                });
                assertThat(expected).as("some keys lost all their rows").hasSizeLessThan(reference.size());
                assertThat(read).as("budget " + budget).isEqualTo(expected);
            }
        }
    }

    /**
     * A cursor with debts also returns a counted key whose sum is negative (the state check cancels it against
     * a count under another key); the plain one leaves it out. Either way a key's seq is the highest added, even
     * when counts arrive out of seq order and across runs.
     */
    @Test
    void aCursorWithDebtsReturnsNegativeSumsAndEveryCountedKeyKeepsItsHighestSeq() {
        for (long budget : new long[] {1 << 20, 256}) {
            for (boolean debts : new boolean[] {false, true}) {
                try (SpillingSortedMap map = new SpillingSortedMap(budget)) { // a cursor is read once: a map each
                    for (int i = 0; i < 40; i++) {
                        map.add(1, key(i % 4), 100 - i, i % 4 == 3 ? -1 : 1); // seqs falling: the first is the highest
                    }
                    if (budget < 1000) {
                        assertThat(map.spilledRuns()).as("budget " + budget).isPositive();
                    }
                    List<String> read = new ArrayList<>();
                    for (SpillingSortedMap.Cursor c = map.cursor(debts); c.hasNext(); ) {
                        SpillingSortedMap.Item item = c.next();
                        read.add(ByteBuffer.wrap(item.key()).getInt() + ":" + item.count() + "@" + item.seq());
                    }
                    List<String> positive = List.of("0:10@100", "1:10@99", "2:10@98");
                    assertThat(read).as("budget " + budget + ", debts " + debts)
                            .isEqualTo(debts ? java.util.stream.Stream.concat(positive.stream(), java.util.stream.Stream.of("3:-10@97")).toList() : positive);
                }
            }
        }
    }

    @Test
    void claimedRowsOfACountedKeyAreComparedWithItsCount() {
        try (SpillingSortedMap map = new SpillingSortedMap(1 << 20)) {
            map.add(1, key(1), 0, 4, 10, 2);   // two equal rows, both found
            map.add(1, key(2), 0, 4, 11, 2);   // two, one found
            map.add(1, key(3), 0, 4, 12, 1);   // one, three found
            map.add(1, key(4), 0, 4, 13, 1);
            map.add(1, key(4), 0, 4, 14, -1);  // none left, none found
            map.put(1, key(5), 15, "by value".getBytes());
            map.add(1, key(5), 0, 4, 16, 1);   // a key held by value turns counted as one row, plus this one
            for (int k : new int[] {1, 1, 2, 3, 3, 3, 5, 5}) {
                int r = map.find(1, key(k), 0, 4);
                assertThat(map.isCounted(r)).as("key " + k).isTrue();
                map.claim(r);
            }
            assertThat(map.find(1, key(4), 0, 4)).as("found with its count of zero").isNotNegative();
            assertThat(map.unseen(1)).extracting(i -> ByteBuffer.wrap(i.key()).getInt() + ":" + i.count() + "/" + i.claimed())
                    .containsExactly("2:2/1", "3:1/3");
            assertThat(map.countAndMaxSeq(1)).containsExactly(2 + 2 + 1 + 2, 16);
        }
    }

    @Test
    void findSeesTheLatestValueAndUnseenListsTheKeysNobodyClaimedInOrder() {
        try (SpillingSortedMap map = new SpillingSortedMap(1 << 20)) {
            for (int k = 9; k >= 0; k--) {
                map.put(1, key(k), k, ("short" + k).getBytes());
            }
            map.put(1, key(3), 33, "a much longer value than before".getBytes()); // no longer fits in place
            map.put(2, key(3), 7, "other group".getBytes());
            map.remove(1, key(5));
            int r = map.find(1, key(3), 0, 4);
            assertThat(map.seq(r)).isEqualTo(33);
            assertThat(map.valueEquals(r, "a much longer value than before".getBytes(), 0, 31)).isTrue();
            assertThat(map.find(1, key(5), 0, 4)).isEqualTo(-1);
            assertThat(map.find(1, key(10), 0, 4)).isEqualTo(-1);
            assertThat(map.markSeen(r)).isTrue();
            assertThat(map.markSeen(r)).as("a second time").isFalse();
            map.markSeen(map.find(1, key(0), 0, 4));
            assertThat(map.unseen(1)).extracting(i -> ByteBuffer.wrap(i.key()).getInt()).containsExactly(1, 2, 4, 6, 7, 8, 9);
            assertThat(map.countAndMaxSeq(1)).containsExactly(9, 33);
            assertThat(map.countAndMaxSeq(2)).containsExactly(1, 7);
        }
    }

    @Test
    void findRefusesOnceTheMapHasSpilled() {
        try (SpillingSortedMap map = new SpillingSortedMap(256)) {
            for (int k = 0; k < 100; k++) {
                map.put(0, key(k), k, new byte[40]);
            }
            assertThat(map.spilledRuns()).isPositive();
            assertThatThrownBy(() -> map.find(0, key(1), 0, 4)).isInstanceOf(IllegalStateException.class);
        }
    }
}
