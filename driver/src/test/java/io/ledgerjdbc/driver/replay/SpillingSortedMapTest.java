package io.ledgerjdbc.driver.replay;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void putsOverwritesAndRemovesReadBackInKeyOrderAcrossSpilledRuns() {
        for (long budget : new long[] {1 << 20, 4096, 300}) {
            Random random = new Random(budget);
            TreeMap<Integer, String> reference = new TreeMap<>();
            try (SpillingSortedMap map = new SpillingSortedMap(budget)) {
                for (int i = 0; i < 5000; i++) {
                    int k = random.nextInt(800);
                    if (random.nextInt(4) == 0) {
                        map.remove(key(k));
                        reference.remove(k);
                    } else {
                        String v = "v" + i;
                        map.put(key(k), v.getBytes());
                        reference.put(k, v);
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
                    read.add(ByteBuffer.wrap(item.key()).getInt() + "=" + new String(item.value()));
                }
                List<String> expected = new ArrayList<>();
                reference.forEach((k, v) -> expected.add(k + "=" + v));
                assertThat(read).as("budget " + budget).isEqualTo(expected);
            }
        }
    }
}
