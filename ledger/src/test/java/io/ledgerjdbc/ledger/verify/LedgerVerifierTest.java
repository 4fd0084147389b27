package io.ledgerjdbc.ledger.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.DigestSigner;
import io.ledgerjdbc.ledger.digest.KeyFiles;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.digest.TreeHead;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.Backend;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.StoredEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of tampering with the stored ledger is found and pinpointed, on every backend; clean ledgers are clean. */
class LedgerVerifierTest {

    private static final DigestSigner SIGNER = new DigestSigner(KeyFiles.generate().privateKey());
    private static final int SIZE = 40;

    static LedgerEntry entry(long seq) {
        Row key = Row.of("id", Value.of(seq));
        return new LedgerEntry(seq, "A", Instant.parse("2026-01-01T00:00:00Z").plusSeconds(seq), "tx" + seq,
                List.of(RowChange.insert("t", key, Row.of("id", Value.of(seq), "v", Value.of("value " + seq)))));
    }

    /** Writes {@code n} entries with a stored digest at {@code digestAt} (0 for none); returns the head. */
    static LedgerHead build(Connection c, LedgerStore store, int n, int digestAt, List<SignedDigest> signed) throws SQLException {
        LedgerSchema.createIfMissing(c, store.dialect());
        LedgerHead head = store.readHead(c);
        for (long seq = head.size() + 1; seq <= n; seq++) {
            head = store.append(c, head, entry(seq));
            if (seq == digestAt) {
                SignedDigest d = SIGNER.sign(new TreeHead(seq, head.root(), head.chainHash(), Instant.now()));
                store.storeDigest(c, seq, d.keyId(), DigestJson.toJsonLine(d));
                signed.add(d);
            }
        }
        return head;
    }

    record Case(String name, Tamper tamper, FindingKind kind, Long seq, boolean withExternalDigest) {
        @Override public String toString() { return name; }
    }

    interface Tamper {
        void apply(Connection c, LedgerStore store) throws Exception;
    }

    static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        }
    }

    static byte[] flipped(byte[] b, int at) {
        byte[] copy = b.clone();
        copy[at] ^= 0x01;
        return copy;
    }

    static Stream<Arguments> cases() {
        List<Case> cases = List.of(
            new Case("entry bytes edited", (c, s) -> {
                StoredEntry e = s.readEntry(c, 17);
                exec(c, "UPDATE ledger_entry SET entry = ? WHERE seq = 17", flipped(e.entry(), e.entry().length - 1));
            }, FindingKind.LEAF_HASH_MISMATCH, 17L, false),
            new Case("entry rewritten with its own leaf and chain hashes", (c, s) -> {
                StoredEntry prev = s.readEntry(c, 9);
                LedgerEntry forged = new LedgerEntry(10, "A", Instant.EPOCH, "forged", entry(10).changes());
                byte[] bytes = EntryCodec.encode(forged);
                byte[] leaf = io.ledgerjdbc.ledger.hash.Hashes.leaf(bytes);
                exec(c, "UPDATE ledger_entry SET entry = ?, leaf_hash = ?, chain_hash = ? WHERE seq = 10", bytes, leaf,
                        io.ledgerjdbc.ledger.hash.Hashes.chain(prev.chainHash(), leaf));
            }, FindingKind.CHAIN_HASH_MISMATCH, 11L, false),
            new Case("entry deleted", (c, s) -> exec(c, "DELETE FROM ledger_entry WHERE seq = 23"),
                    FindingKind.SEQ_GAP, 23L, false),
            new Case("two entries swapped", (c, s) -> {
                StoredEntry a = s.readEntry(c, 5);
                StoredEntry b = s.readEntry(c, 6);
                exec(c, "UPDATE ledger_entry SET entry = ?, leaf_hash = ?, chain_hash = ?, tree_nodes = ? WHERE seq = 5",
                        b.entry(), b.leafHash(), b.chainHash(), b.treeNodes());
                exec(c, "UPDATE ledger_entry SET entry = ?, leaf_hash = ?, chain_hash = ?, tree_nodes = ? WHERE seq = 6",
                        a.entry(), a.leafHash(), a.chainHash(), a.treeNodes());
            }, FindingKind.SEQ_MISMATCH, 5L, false),
            new Case("last entries truncated below a stored digest", (c, s) -> exec(c, "DELETE FROM ledger_entry WHERE seq > 35"),
                    FindingKind.DIGEST_BEYOND_LEDGER, 38L, false),
            new Case("stored Merkle nodes edited", (c, s) -> {
                StoredEntry e = s.readEntry(c, 32);
                exec(c, "UPDATE ledger_entry SET tree_nodes = ? WHERE seq = 32", flipped(e.treeNodes(), 40));
            }, FindingKind.TREE_NODES_MISMATCH, 32L, false),
            new Case("stored chain hash edited", (c, s) -> {
                StoredEntry e = s.readEntry(c, 3);
                exec(c, "UPDATE ledger_entry SET chain_hash = ? WHERE seq = 3", flipped(e.chainHash(), 0));
            }, FindingKind.CHAIN_HASH_MISMATCH, 3L, false),
            new Case("stored digest edited", (c, s) -> {
                String line = s.readDigestLines(c).get(0);
                exec(c, "UPDATE ledger_digest SET digest = ?", line.replace("\"treeSize\":38", "\"treeSize\":37"));
            }, FindingKind.DIGEST_SIGNATURE_INVALID, 37L, false),
            new Case("whole ledger rebuilt with correct hashes, caught by the external digest", (c, s) -> {
                exec(c, "DELETE FROM ledger_digest");
                exec(c, "DELETE FROM ledger_entry");
                LedgerHead head = s.readHead(c);
                for (long seq = 1; seq <= SIZE; seq++) {
                    LedgerEntry e = seq == 12 ? new LedgerEntry(12, "A", Instant.EPOCH, "rewritten", entry(12).changes()) : entry(seq);
                    head = s.append(c, head, e);
                }
            }, FindingKind.DIGEST_MISMATCH, 38L, true));
        List<Arguments> args = new ArrayList<>();
        for (Backend b : Backend.values()) {
            for (Case k : cases) args.add(Arguments.of(b, k));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void tamperingIsFoundAndPinpointed(Backend backend, Case k) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            List<SignedDigest> signed = new ArrayList<>();
            build(c, store, SIZE, 38, signed);
            LedgerVerifier verifier = new LedgerVerifier(store);
            VerifyOptions options = VerifyOptions.defaults().withExternalDigests(k.withExternalDigest() ? signed : List.of());
            assertThat(verifier.verify(c, options, f -> { }).clean()).as("clean before tampering").isTrue();

            k.tamper().apply(c, store);
            List<Finding> findings = new ArrayList<>();
            VerifyReport report = verifier.verify(c, options, findings::add);

            assertThat(report.clean()).isFalse();
            assertThat(findings).as("findings").anySatisfy(f -> {
                assertThat(f.kind()).isEqualTo(k.kind());
                assertThat(f.seq()).isEqualTo(k.seq());
            });
            if (k.withExternalDigest()) {
                VerifyReport withoutDigest = verifier.verify(c, VerifyOptions.defaults(), f -> { });
                assertThat(withoutDigest.clean()).as("a full rewrite is invisible without an outside digest").isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void cleanLedgersOfEverySizeVerifyCleanAndDigestsAreChecked(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            LedgerSchema.createIfMissing(c, store.dialect());
            LedgerVerifier verifier = new LedgerVerifier(store);
            List<SignedDigest> external = new ArrayList<>();
            LedgerHead head = store.readHead(c);
            for (int size = 0; size <= 70; size++) {
                if (size > 0) head = store.append(c, head, entry(size));
                if (size % 9 == 0) external.add(SIGNER.sign(new TreeHead(size, head.root(), head.chainHash(), Instant.now())));
                List<Finding> findings = new ArrayList<>();
                VerifyReport r = verifier.verify(c, VerifyOptions.defaults().withExternalDigests(external), findings::add);
                assertThat(findings).as("size %d", size).isEmpty();
                assertThat(r.entries()).isEqualTo(size);
                assertThat(r.root()).isEqualTo(head.root());
                assertThat(r.digestsChecked()).isEqualTo(external.size());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "H2_MEM"})
    void verificationFromASeqChecksOnlyTheRestAndTheVisitorSeesEveryEntryInOrder(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            build(c, store, SIZE, 0, new ArrayList<>());
            StoredEntry e = store.readEntry(c, 5);
            exec(c, "UPDATE ledger_entry SET entry = ? WHERE seq = 5", flipped(e.entry(), 3));
            List<Long> visited = new ArrayList<>();
            VerifyOptions from10 = VerifyOptions.defaults().from(10).withVisitor(entry -> visited.add(entry.seq()));
            VerifyReport r = new LedgerVerifier(store).verify(c, from10, f -> { });
            assertThat(r.clean()).isTrue();
            assertThat(visited).hasSize(SIZE - 9).first().isEqualTo(10L);
            assertThat(new LedgerVerifier(store).verify(c, VerifyOptions.defaults(), f -> { }).clean()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE"})
    void aDigestFromAnUntrustedKeyIsReported(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            build(c, store, 10, 10, new ArrayList<>());
            List<Finding> findings = new ArrayList<>();
            new LedgerVerifier(store).verify(c, VerifyOptions.defaults().trusting(Set.of("0000000000000000")), findings::add);
            assertThat(findings).extracting(Finding::kind).containsExactly(FindingKind.DIGEST_UNTRUSTED_KEY);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE"})
    void anUnreadableStoredDigestIsReportedNotThrown(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            build(c, store, 5, 5, new ArrayList<>());
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE ledger_digest SET digest = '{not json'");
            }
            List<Finding> findings = new ArrayList<>();
            new LedgerVerifier(store).verify(c, VerifyOptions.defaults(), findings::add);
            assertThat(findings).extracting(Finding::kind).containsExactly(FindingKind.DIGEST_MALFORMED);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aGapDoesNotHideLaterTruncationOrTampering(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            List<SignedDigest> signed = new ArrayList<>();
            build(c, store, SIZE, 0, signed);
            LedgerHead head = store.readHead(c);
            List<SignedDigest> external = new ArrayList<>();
            for (long size : new long[] {4, 16, 33, 40}) {
                external.add(SIGNER.sign(new TreeHead(size, store.root(c, size), store.readEntry(c, size).chainHash(), Instant.now())));
            }
            exec(c, "DELETE FROM ledger_entry WHERE seq = 5");
            exec(c, "DELETE FROM ledger_entry WHERE seq > 36");
            StoredEntry e = store.readEntry(c, 20);
            exec(c, "UPDATE ledger_entry SET chain_hash = ? WHERE seq = 20", flipped(e.chainHash(), 7));
            List<Finding> findings = new ArrayList<>();
            new LedgerVerifier(store).verify(c, VerifyOptions.defaults().withExternalDigests(external), findings::add);
            assertThat(findings).extracting(f -> f.kind() + "@" + f.seq()).contains(
                    "SEQ_GAP@5", "CHAIN_HASH_MISMATCH@20", "DIGEST_BEYOND_LEDGER@40");
            assertThat(findings).extracting(f -> f.kind() + "@" + f.seq()).doesNotContain("DIGEST_MISMATCH@4", "DIGEST_MISMATCH@33");
            assertThat(head.size()).isEqualTo(SIZE);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "H2_MEM"})
    void aHostileEntryIsReportedMalformedNotACrash(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            build(c, store, 5, 0, new ArrayList<>());
            byte[] bytes = EntryCodec.encode(entry(3));
            // turn the INTEGER 3 of "id" in the key into a DECIMAL with scale Integer.MIN_VALUE
            byte[] hostile = java.util.HexFormat.of().parseHex(java.util.HexFormat.of().formatHex(bytes)
                    .replaceFirst("0000000269640100000000000000", "00000002696402800000000000000001"));
            exec(c, "UPDATE ledger_entry SET entry = ? WHERE seq = 3", hostile);
            List<Finding> findings = new ArrayList<>();
            new LedgerVerifier(store).verify(c, VerifyOptions.defaults(), findings::add);
            assertThat(findings).extracting(f -> f.kind() + "@" + f.seq()).contains("ENTRY_MALFORMED@3", "LEAF_HASH_MISMATCH@3");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "MARIADB"})
    void rowsBelowSeqOneAreReported(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            build(c, store, 5, 0, new ArrayList<>());
            StoredEntry e = store.readEntry(c, 2);
            exec(c, "INSERT INTO ledger_entry (seq, entry, leaf_hash, chain_hash, tree_nodes) VALUES (0, ?, ?, ?, ?)",
                    e.entry(), e.leafHash(), e.chainHash(), e.treeNodes());
            List<Finding> findings = new ArrayList<>();
            new LedgerVerifier(store).verify(c, VerifyOptions.defaults(), findings::add);
            assertThat(findings).extracting(Finding::kind).containsExactly(FindingKind.SEQ_OUT_OF_RANGE);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE"})
    void startingAfterDamagedStoredNodesFailsWithAPreciseMessage(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            build(c, store, 10, 0, new ArrayList<>());
            exec(c, "UPDATE ledger_entry SET tree_nodes = ? WHERE seq = 4", new byte[] {0});
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LedgerVerifier(store)
                            .verify(c, VerifyOptions.defaults().from(5), f -> { }))
                    .isInstanceOf(SQLException.class).hasMessageContaining("verify from an earlier seq");
        }
    }
}
