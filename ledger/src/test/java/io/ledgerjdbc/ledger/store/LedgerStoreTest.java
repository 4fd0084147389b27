package io.ledgerjdbc.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.merkle.MemoryTree;
import io.ledgerjdbc.ledger.merkle.MerkleVerifier;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ledger tables on every backend: idempotent creation, appends, heads, roots and proofs from storage. */
class LedgerStoreTest {

    static LedgerEntry entry(long seq, int payloadBytes) {
        byte[] blob = new byte[payloadBytes];
        new Random(seq).nextBytes(blob);
        Row key = Row.of("id", Value.of(seq));
        Row after = Row.of("id", Value.of(seq), "name", Value.of("row " + seq), "data", Value.of(blob));
        return new LedgerEntry(seq, "node-a", Instant.parse("2026-11-24T12:00:00Z").plusMillis(seq), "tx-" + seq,
                List.of(RowChange.insert("accounts", key, after)));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void appendedEntriesGiveTheSameRootsAndProofsAsAnInMemoryTree(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            LedgerSchema.createIfMissing(c, store.dialect());
            LedgerSchema.createIfMissing(c, store.dialect()); // idempotent
            c.setAutoCommit(false);
            MemoryTree reference = new MemoryTree();
            LedgerHead head = store.readHead(c);
            assertThat(head.size()).isZero();
            int n = 77;
            for (long seq = 1; seq <= n; seq++) {
                LedgerEntry e = entry(seq, 16);
                head = store.append(c, head, e);
                reference.append(Hashes.leaf(EntryCodec.encode(e)));
                if (seq % 10 == 0) c.commit();
            }
            c.commit();
            assertThat(head.root()).isEqualTo(reference.root());

            LedgerHead reread = store.readHead(c);
            assertThat(reread.size()).isEqualTo(n);
            assertThat(reread.chainHash()).isEqualTo(head.chainHash());
            assertThat(reread.root()).isEqualTo(reference.root());
            for (long size : new long[] {1, 2, 31, 32, 33, 64, 77}) {
                assertThat(store.root(c, size)).as("root at %d", size).isEqualTo(reference.root(size));
            }
            for (long seq : new long[] {1, 2, 33, 64, 77}) {
                List<byte[]> proof = store.inclusionProof(c, seq, n);
                assertThat(proof).containsExactlyElementsOf(reference.inclusionProof(seq - 1, n));
                MerkleVerifier.verifyInclusion(seq - 1, n, store.readEntry(c, seq).leafHash(), proof, reference.root());
            }
            List<byte[]> consistency = store.consistencyProof(c, 20, n);
            MerkleVerifier.verifyConsistency(20, n, reference.root(20), reference.root(), consistency);

            List<Long> seen = new ArrayList<>();
            store.scan(c, 5, e -> seen.add(e.seq()));
            assertThat(seen).hasSize(n - 4).startsWith(5L).endsWith((long) n);
            assertThat(EntryCodec.decode(store.readEntry(c, 42).entry())).isEqualTo(entry(42, 16));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRolledBackAppendLeavesNoEntry(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            LedgerSchema.createIfMissing(c, store.dialect());
            c.setAutoCommit(false);
            store.append(c, store.readHead(c), entry(1, 8));
            c.rollback();
            assertThat(store.readHead(c).size()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMultiMegabyteEntryIsStoredAndReadBackIntact(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            LedgerSchema.createIfMissing(c, store.dialect());
            LedgerEntry big = entry(1, 8 * 1024 * 1024);
            store.append(c, store.readHead(c), big);
            assertThat(EntryCodec.decode(store.readEntry(c, 1).entry())).isEqualTo(big);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL", "MARIADB"}) // the writers LedgerDatabase uses it on
    void appendIfHeadWritesOnlyWhereTheLedgerEndsAtTheGivenHead(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            LedgerSchema.createIfMissing(c, store.dialect());
            LedgerHead one = store.append(c, store.readHead(c), entry(1, 8));
            c.setAutoCommit(false);
            LedgerHead otherTwo = store.append(c, one, entry(2, 77)); // a head of the same size on another chain
            c.rollback();
            c.setAutoCommit(true);
            LedgerHead two = store.append(c, one, entry(2, 8));
            try (java.sql.PreparedStatement ps = c.prepareStatement(LedgerStore.INSERT_ENTRY_IF_HEAD)) {
                assertThat(store.appendIfHead(ps, one, entry(2, 9))).as("a head behind the ledger").isNull();
                assertThat(store.appendIfHead(ps, otherTwo, entry(3, 9))).as("a head on another chain").isNull();
                assertThat(store.readHead(c).size()).isEqualTo(2);
                LedgerHead three = store.appendIfHead(ps, two, entry(3, 8));
                assertThat(three).isNotNull();
                assertThat(three.size()).isEqualTo(3);
                assertThat(store.readHead(c).root()).isEqualTo(three.root());
                assertThat(store.readHead(c).chainHash()).isEqualTo(three.chainHash());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aSecondAppendAtTheSameSeqIsRefusedByThePrimaryKey(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            LedgerSchema.createIfMissing(c, store.dialect());
            LedgerHead empty = store.readHead(c);
            store.append(c, empty, entry(1, 8));
            assertThatThrownBy(() -> store.append(c, empty, entry(1, 9))).isInstanceOf(java.sql.SQLException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLedgerOfANewerSchemaVersionIsRefused(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            assertThat(LedgerSchema.exists(c)).isFalse();
            LedgerSchema.createIfMissing(c, store.dialect());
            assertThat(LedgerSchema.exists(c)).isTrue();
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE ledger_meta SET meta_value = '99' WHERE meta_key = 'schema_version'");
            }
            assertThatThrownBy(() -> LedgerSchema.checkVersion(c))
                    .hasMessageContaining("schema version 99").extracting("SQLState").isEqualTo("0A000");
        }
    }
}
