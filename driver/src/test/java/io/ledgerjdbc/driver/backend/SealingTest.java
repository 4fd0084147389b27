package io.ledgerjdbc.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.PendingEntries;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each backend's answers about its URLs and its sealed-ledger statements, run on its real database: the backend a
 * URL names is the one the connected database reports, and where the backend seals, its statements commit pending
 * entries in order and seal them into the chain exactly as a direct append would.
 */
class SealingTest {

    @ParameterizedTest
    @EnumSource(value = io.ledgerjdbc.ledger.store.Backend.class)
    void theBackendAUrlNamesIsTheDatabaseItConnectsTo(io.ledgerjdbc.ledger.store.Backend db) throws Exception {
        try (io.ledgerjdbc.ledger.store.Backend.Db d = db.open(); Connection c = d.connect()) {
            Backend named = Backend.forUrl(d.url).orElseThrow();
            assertThat(named.dialect()).isEqualTo(SqlDialect.of(c));
            assertThat(named.isPrivate(d.url)).as("a named or file database is shared").isFalse();
            assertThat(named.sealsPendingEntries()).isEqualTo(named.sealing() != null);
        }
    }

    @ParameterizedTest
    @EnumSource(value = io.ledgerjdbc.ledger.store.Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void eachSealingDatabasesStatementsCommitPendingEntriesAndSealThemInOrder(io.ledgerjdbc.ledger.store.Backend db)
            throws Exception {
        try (io.ledgerjdbc.ledger.store.Backend.Db d = db.open(); Connection c = d.connect()) {
            SqlDialect dialect = SqlDialect.of(c);
            Sealing sealing = Backend.of(dialect).sealing();
            assertThat(sealing).isNotNull();
            LedgerSchema.createIfMissing(c, dialect);
            PendingEntries.upgrade(c, dialect);
            assertThat(PendingEntries.enabled(c)).isTrue();

            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            LedgerEntry one = entry("tx-1");
            LedgerEntry two = entry("tx-2");
            long first = commitPending(c, sealing, one);
            long second = commitPending(c, sealing, two);
            assertThat(second).isGreaterThan(first);
            assertThat(PendingEntries.count(c)).isEqualTo(2);
            c.commit();

            sealing.takeTurn(c, true);
            long bound;
            Sealing.Batch batch;
            try {
                bound = sealing.takeBound(c);
                batch = sealing.sealBatch(c, null, bound, 500);
            } finally {
                sealing.takeTurn(c, false);
            }
            assertThat(bound).isGreaterThan(second);
            assertThat(batch.pending()).extracting(PendingEntries.Pending::num).containsExactly(first, second);
            assertThat(batch.head().size()).isEqualTo(2);

            LedgerStore store = new LedgerStore(dialect);
            LedgerHead stored = store.readHead(c);
            assertThat(stored.size()).isEqualTo(2);
            assertThat(stored.chainHash()).isEqualTo(batch.head().chainHash());
            // byte for byte the entries a direct append at seq 1 and 2 would have stored
            assertThat(store.readEntry(c, 1).entry()).isEqualTo(EntryCodec.encode(one.withSeq(1)));
            assertThat(store.readEntry(c, 2).entry()).isEqualTo(EntryCodec.encode(two.withSeq(2)));
            assertThat(PendingEntries.count(c)).isZero();
            c.commit();
        }
    }

    @ParameterizedTest
    @EnumSource(value = io.ledgerjdbc.ledger.store.Backend.class, names = {"SQLITE", "H2_FILE"})
    void databasesWithoutPendingEntriesDoNotSeal(io.ledgerjdbc.ledger.store.Backend db) throws Exception {
        try (io.ledgerjdbc.ledger.store.Backend.Db d = db.open(); Connection c = d.connect()) {
            SqlDialect dialect = SqlDialect.of(c);
            assertThat(Backend.of(dialect).sealing()).isNull();
            assertThat(dialect.createPendingSequence).isNull();
        }
    }

    private static LedgerEntry entry(String txId) {
        return new LedgerEntry(1, "node-a", Instant.parse("2026-01-01T00:00:00Z"), txId,
                List.of(RowChange.insert("t", Row.of("id", Value.of(1L)), Row.of("id", Value.of(1L), "v", Value.of(txId)))));
    }

    private static long commitPending(Connection c, Sealing sealing, LedgerEntry entry) throws Exception {
        try (PreparedStatement insert = c.prepareStatement(sealing.pendingInsertSql())) {
            insert.setBytes(1, PendingEntries.encodePending(entry));
            return sealing.insertPendingAndCommit(c, insert);
        }
    }
}
