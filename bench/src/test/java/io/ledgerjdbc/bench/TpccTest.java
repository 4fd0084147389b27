package io.ledgerjdbc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The OLTP mix on H2 in memory: the loader, the five transactions and the checks, raw and through the ledger. */
class TpccTest {

    private static final TpccLoader.Scale TINY = new TpccLoader.Scale(1, 200, 30);

    @ParameterizedTest(name = "ledger={0}")
    @ValueSource(booleans = {false, true})
    void aShortMixKeepsTheConsistencyConditionsAndWritesOneEntryPerWritingCommit(boolean ledger) throws Exception {
        TpccSchema schema = new TpccSchema("h2mem", TpccSchema.Fk.PLAIN, false);
        try (BenchDatabase db = BenchDatabase.fresh("h2mem", new BenchDatabase.Servers(), "tpcctest", null);
             Connection c = db.connect(ledger)) {
            new TpccLoader(c, schema, TINY).load();
            long entriesAfterLoad = ledger ? TpccChecks.count(c, "SELECT COUNT(*) FROM ledger_entry") : 0;
            c.setAutoCommit(false);
            TpccTerminal terminal = new TpccTerminal(c, schema, TINY, 0, 7);
            terminal.start();
            long deadline = System.nanoTime() + 60_000_000_000L; // a loaded machine is slow, not wrong
            while (terminal.committed < 100 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            terminal.running = false;
            terminal.join();

            assertThat(terminal.firstError).containsOnlyNulls();
            assertThat(terminal.total.commits()).isGreaterThanOrEqualTo(100);
            assertThat(terminal.total.commits[TpccTerminal.Kind.NEW_ORDER.ordinal()]).isPositive();
            assertThat(terminal.total.commits[TpccTerminal.Kind.PAYMENT.ordinal()]).isPositive();
            try (Connection raw = db.connect(false)) {
                assertThat(TpccChecks.check(raw, TINY, terminal.total)).isEmpty();
                if (ledger) {
                    assertThat(TpccChecks.count(raw, "SELECT COUNT(*) FROM ledger_entry") - entriesAfterLoad)
                            .isEqualTo(terminal.total.writingCommits);
                    assertThat(LedgerCheck.verify(raw).clean()).isTrue();
                }
            }
        }
    }

    @Test
    void theChecksNameABrokenConsistencyCondition() throws Exception {
        TpccSchema schema = new TpccSchema("h2mem", TpccSchema.Fk.PLAIN, false);
        try (BenchDatabase db = BenchDatabase.fresh("h2mem", new BenchDatabase.Servers(), "tpcctest", null);
             Connection c = db.connect(false)) {
            new TpccLoader(c, schema, TINY).load();
            assertThat(TpccChecks.check(c, TINY, new TpccTerminal.Counts())).isEmpty();
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_id = 3");
                s.executeUpdate("UPDATE warehouse SET w_ytd = w_ytd + 1");
            }
            assertThat(TpccChecks.check(c, TINY, new TpccTerminal.Counts()))
                    .anyMatch(p -> p.startsWith("condition 1: warehouse 1"))
                    .anyMatch(p -> p.startsWith("condition 2: district 1/3"));
        }
    }

    @Test
    void nuRandStaysInRangeAndLastNamesFollowTheSpecification() {
        TpccRandom rnd = new TpccRandom(1);
        for (int i = 0; i < 10_000; i++) {
            assertThat(rnd.customerId(300)).isBetween(1, 300);
            assertThat(rnd.itemId(10_000)).isBetween(1, 10_000);
        }
        assertThat(TpccRandom.lastName(371)).isEqualTo("PRICALLYOUGHT"); // clause 4.3.2.3's example
        assertThat(TpccRandom.lastName(0)).isEqualTo("BARBARBAR");
    }
}
