package io.ledgerjdbc.ledger.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.Backend;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Merkle descent finds the first divergent seq, for every divergence point and size, reading O(log n) rows. */
class LedgerDiffTest {

    private static LedgerEntry entry(long seq, String flavour) {
        Row key = Row.of("id", Value.of(seq));
        return new LedgerEntry(seq, "A", Instant.parse("2026-01-01T00:00:00Z"), "t" + seq,
                List.of(RowChange.insert("t", key, Row.of("id", Value.of(seq), "v", Value.of(flavour)))));
    }

    /** Fills a ledger with {@code size} entries, those from {@code divergeAt} on of another flavour. */
    private static void fill(Connection c, long size, long divergeAt) throws Exception {
        LedgerStore store = LedgerStore.of(c);
        LedgerSchema.createIfMissing(c, store.dialect());
        try (Statement s = c.createStatement()) {
            s.execute("DELETE FROM ledger_entry");
        }
        LedgerHead head = LedgerHead.empty();
        for (long seq = 1; seq <= size; seq++) {
            head = store.append(c, head, entry(seq, seq >= divergeAt ? "b" : "a"));
        }
    }

    @Test
    void findsTheFirstDivergentSeqAtEveryPointOfEverySizeUpTo40() throws Exception {
        try (Backend.Db da = Backend.H2_MEM.open(); Backend.Db db = Backend.H2_MEM.open();
             Connection a = da.connect(); Connection b = db.connect()) {
            for (long size = 1; size <= 40; size++) {
                fill(a, size, Long.MAX_VALUE);
                for (long at = 1; at <= size + 1; at++) {
                    fill(b, size, at);
                    LedgerDiff.Result r = LedgerDiff.compare(a, b);
                    if (at > size) {
                        assertThat(r.relation()).isEqualTo(LedgerDiff.Relation.EQUAL);
                    } else {
                        assertThat(r.relation()).as("size %d, divergence at %d", size, at).isEqualTo(LedgerDiff.Relation.DIVERGED);
                        assertThat(r.firstDivergentSeq()).as("size %d", size).isEqualTo(at);
                        assertThat(r.entryA().seq()).isEqualTo(at);
                        assertThat(r.entryB().seq()).isEqualTo(at);
                    }
                    assertThat(r.rowsRead()).isLessThanOrEqualTo(2 + 2 * (64 - Long.numberOfLeadingZeros(size) + 1) + 2);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aShorterIdenticalLedgerIsAPrefixAndADivergentOneIsNot(Backend backend) throws Exception {
        try (Backend.Db da = backend.open(); Backend.Db db = backend.open(); Connection a = da.connect(); Connection b = db.connect()) {
            fill(a, 1000, Long.MAX_VALUE);
            fill(b, 700, Long.MAX_VALUE);
            LedgerDiff.Result prefix = LedgerDiff.compare(a, b);
            assertThat(prefix.relation()).isEqualTo(LedgerDiff.Relation.PREFIX);
            assertThat(prefix.behind()).isEqualTo(300);
            assertThat(prefix.rowsRead()).isLessThan(30);

            fill(b, 700, 613);
            LedgerDiff.Result diverged = LedgerDiff.compare(b, a);
            assertThat(diverged.relation()).isEqualTo(LedgerDiff.Relation.DIVERGED);
            assertThat(diverged.firstDivergentSeq()).isEqualTo(613);
            assertThat(diverged.rowsRead()).isLessThan(30);
        }
    }

    @Test
    void syncGroupsPutPrefixesWithTheirLeaderAndDivergentLedgersApart() {
        long[] sizes = {10, 8, 12, 12};
        // 0, 1, 2 share history (1 and 0 are prefixes of 2); 3 diverged at 5
        List<SyncGroups.Group> groups = SyncGroups.of(sizes, (i, j) -> {
            boolean divergent = (i == 3) != (j == 3);
            LedgerDiff.Relation rel = divergent ? LedgerDiff.Relation.DIVERGED
                    : sizes[i] == sizes[j] ? LedgerDiff.Relation.EQUAL : LedgerDiff.Relation.PREFIX;
            return new LedgerDiff.Result(rel, sizes[i], sizes[j], divergent ? 5 : 0, 0, null, null);
        });
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).members()).extracting(SyncGroups.Member::index).containsExactly(2, 0, 1);
        assertThat(groups.get(0).members()).extracting(SyncGroups.Member::behind).containsExactly(0L, 2L, 4L);
        assertThat(groups.get(1).members()).extracting(SyncGroups.Member::index).containsExactly(3);
    }
}
