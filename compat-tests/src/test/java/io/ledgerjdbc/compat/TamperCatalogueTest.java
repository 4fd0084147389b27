package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerjdbc.cli.LedgerCli;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.Backend;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tamper catalogue: a ledger is built through the driver, tampered with through the raw driver, and
 * {@code verify} (run through the CLI's main entry) must exit 1 and name the kind and place of the tampering;
 * clean ledgers of many sizes, with DDL and upserts, must verify clean.
 *
 * <p>The story every case starts from: seq 1 creates {@code accounts}; seqs 2..11 insert ids 1..10 with balance
 * 100; seq 12 sets id 3's balance to 50; seq 13 deletes id 10; seq 14 sets id 5's balance to 70; a digest
 * of size 14 is signed, stored and kept outside in {@code digests.jsonl}.
 */
class TamperCatalogueTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }

        List<JsonNode> findings() throws Exception {
            List<JsonNode> out = new ArrayList<>();
            json().get("findings").forEach(out::add);
            return out;
        }
    }

    private static Run cli(Fixture f, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        String user = switch (f.backend) {
            case POSTGRESQL -> Backend.PG_USER;
            case MARIADB -> Backend.MARIADB_USER;
            case H2_FILE, H2_MEM -> "sa";
            default -> null;
        };
        if (user != null && all.size() > 1 && all.get(1).startsWith("jdbc:")) {
            all.add("--user");
            all.add(user);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = LedgerCli.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private Run verify(Fixture f, String... more) {
        List<String> args = new ArrayList<>(List.of("verify", f.ledgerDb.url, "--json"));
        args.addAll(List.of(more));
        return cli(f, args.toArray(String[]::new));
    }

    private Path digests() {
        return dir.resolve("digests.jsonl");
    }

    /** The story above; returns the fixture with its digest signed. */
    private Fixture story(Backend backend) throws Exception {
        Fixture f = new Fixture(backend);
        try (Connection c = f.ledger(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(50), balance INT)");
            for (int i = 1; i <= 10; i++) {
                s.executeUpdate("INSERT INTO accounts (id, owner, balance) VALUES (" + i + ", 'owner" + i + "', 100)");
            }
            s.executeUpdate("UPDATE accounts SET balance = 50 WHERE id = 3");
            s.executeUpdate("DELETE FROM accounts WHERE id = 10");
            s.executeUpdate("UPDATE accounts SET balance = 70 WHERE id = 5");
        }
        Path key = dir.resolve("signing.pem");
        assertThat(cli(f, "keygen", "--out", key.toString()).exit()).isZero();
        Run d = cli(f, "digest", f.ledgerDb.url, "--key", key.toString(), "--out", digests().toString());
        assertThat(d.exit()).as(d.err()).isZero();
        Run clean = verify(f, "--digests", digests().toString());
        assertThat(clean.exit()).as(clean.out() + clean.err()).isZero();
        return f;
    }

    private static void raw(Fixture f, String... sql) throws Exception {
        try (Connection c = f.behind(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** Asserts exit code 1 and that the only findings are those of {@code kind}, returning them. */
    private static List<JsonNode> only(Run r, String kind) throws Exception {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        List<JsonNode> found = r.findings();
        assertThat(found).as(r.out()).isNotEmpty().allSatisfy(n -> assertThat(n.get("kind").asText()).isEqualTo(kind));
        return found;
    }

    private static List<JsonNode> ofKind(Run r, String kind) throws Exception {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        return r.findings().stream().filter(n -> n.get("kind").asText().equals(kind)).toList();
    }

    private static String table(JsonNode finding) {
        return finding.get("table").asText().toLowerCase(Locale.ROOT);
    }

    /** A column of a row that {@code verify --json} gives as an object, by name in any case (H2 upper-cases), as text. */
    private static String field(JsonNode row, String column) {
        assertThat(row.isObject()).as("a row is an object: " + row).isTrue();
        for (var it = row.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(column)) return e.getValue().asText();
        }
        throw new AssertionError("no column " + column + " in " + row);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRowUpdatedBehindTheDriverIsNamedWithTheSeqThatLastWroteIt(Backend backend) throws Exception {
        try (Fixture f = story(backend)) {
            raw(f, "UPDATE accounts SET balance = 999 WHERE id = 3");
            JsonNode finding = only(verify(f), "ROW_CHANGED").get(0);
            assertThat(table(finding)).isEqualTo("accounts");
            assertThat(finding.get("key").toString()).isEqualToIgnoringCase("{\"id\":3}");
            assertThat(finding.get("seq").asLong()).isEqualTo(12);
            assertThat(field(finding.get("expected"), "balance")).isEqualTo("50");
            assertThat(field(finding.get("found"), "balance")).isEqualTo("999");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRowInsertedBehindTheDriverIsNamed(Backend backend) throws Exception {
        try (Fixture f = story(backend)) {
            raw(f, "INSERT INTO accounts (id, owner, balance) VALUES (11, 'mallory', 1000)");
            JsonNode finding = only(verify(f), "ROW_ADDED").get(0);
            assertThat(table(finding)).isEqualTo("accounts");
            assertThat(finding.get("key").toString()).isEqualToIgnoringCase("{\"id\":11}");
            assertThat(field(finding.get("found"), "owner")).isEqualTo("mallory");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRowDeletedBehindTheDriverIsNamedWithItsLastImage(Backend backend) throws Exception {
        try (Fixture f = story(backend)) {
            raw(f, "DELETE FROM accounts WHERE id = 4");
            JsonNode finding = only(verify(f), "ROW_MISSING").get(0);
            assertThat(finding.get("key").toString()).isEqualToIgnoringCase("{\"id\":4}");
            assertThat(finding.get("seq").asLong()).isEqualTo(5);
            assertThat(field(finding.get("expected"), "owner")).isEqualTo("owner4");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anEntrysEditedBytesAreNamedBySeq(Backend backend) throws Exception {
        try (Fixture f = story(backend)) {
            LedgerStore store = new LedgerStore(f.dialect());
            try (Connection c = f.behind()) {
                LedgerEntry e = EntryCodec.decode(store.readEntry(c, 6).entry()); // inserted id 5, later updated
                RowChange rc = (RowChange) e.changes().get(0);
                Row forged = Row.of("id", Value.of(5), "owner", Value.of("forged"), "balance", Value.of(100));
                byte[] bytes = EntryCodec.encode(new LedgerEntry(6, e.originNode(), e.commitTime(), e.txId(),
                        List.of(RowChange.insert(rc.table(), rc.key(), forged))));
                try (PreparedStatement ps = c.prepareStatement("UPDATE ledger_entry SET entry = ? WHERE seq = 6")) {
                    ps.setBytes(1, bytes);
                    ps.executeUpdate();
                }
            }
            Run r = verify(f);
            assertThat(r.exit()).isEqualTo(1);
            JsonNode first = r.findings().get(0);
            assertThat(first.get("kind").asText()).isEqualTo("LEAF_HASH_MISMATCH");
            assertThat(first.get("seq").asLong()).isEqualTo(6);
            // the rest follow from that one edit: the chain and Merkle nodes built on the old leaf, and the digest
            assertThat(r.findings()).extracting(n -> n.get("kind").asText())
                    .containsOnly("LEAF_HASH_MISMATCH", "CHAIN_HASH_MISMATCH", "TREE_NODES_MISMATCH", "DIGEST_MISMATCH");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDeletedEntryIsAGapAtItsSeq(Backend backend) throws Exception {
        try (Fixture f = story(backend)) {
            raw(f, "DELETE FROM ledger_entry WHERE seq = 7");
            Run r = verify(f);
            List<JsonNode> gaps = ofKind(r, "SEQ_GAP");
            assertThat(gaps).hasSize(1);
            assertThat(gaps.get(0).get("seq").asLong()).isEqualTo(7);
            // the row entry 7 inserted (id 6) is now one the ledger never recorded
            assertThat(ofKind(r, "ROW_ADDED")).extracting(n -> n.get("key").toString().toLowerCase(Locale.ROOT)).containsExactly("{\"id\":6}");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void twoSwappedEntriesAreNamedBothBySeq(Backend backend) throws Exception {
        try (Fixture f = story(backend)) {
            try (Connection c = f.behind()) {
                LedgerStore store = new LedgerStore(f.dialect());
                var e8 = store.readEntry(c, 8);
                var e9 = store.readEntry(c, 9);
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE ledger_entry SET entry = ?, leaf_hash = ?, chain_hash = ?, tree_nodes = ? WHERE seq = ?")) {
                    for (var pair : List.of(List.of(e9, e8), List.of(e8, e9))) {
                        ps.setBytes(1, pair.get(0).entry());
                        ps.setBytes(2, pair.get(0).leafHash());
                        ps.setBytes(3, pair.get(0).chainHash());
                        ps.setBytes(4, pair.get(0).treeNodes());
                        ps.setLong(5, pair.get(1).seq());
                        ps.executeUpdate();
                    }
                }
            }
            List<JsonNode> swapped = ofKind(verify(f), "SEQ_MISMATCH");
            assertThat(swapped).extracting(n -> n.get("seq").asLong()).containsExactly(8L, 9L);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void truncatedLastEntriesAreCaughtByTheDigestAndTheTables(Backend backend) throws Exception {
        try (Fixture f = story(backend)) {
            raw(f, "DELETE FROM ledger_entry WHERE seq >= 13");
            Run r = verify(f);
            List<JsonNode> beyond = ofKind(r, "DIGEST_BEYOND_LEDGER");
            assertThat(beyond).hasSize(1);
            assertThat(beyond.get(0).get("seq").asLong()).isEqualTo(14);
            // without entries 13 and 14, id 10 should still exist and id 5 have its old balance
            assertThat(ofKind(r, "ROW_MISSING")).extracting(n -> n.get("key").toString().toLowerCase(Locale.ROOT)).containsExactly("{\"id\":10}");
            assertThat(ofKind(r, "ROW_CHANGED")).extracting(n -> n.get("key").toString().toLowerCase(Locale.ROOT)).containsExactly("{\"id\":5}");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLedgerRebuiltWithCorrectHashesIsCaughtOnlyByTheDigestsKeptOutside(Backend backend) throws Exception {
        try (Fixture f = story(backend)) {
            try (Connection c = f.behind()) {
                c.setAutoCommit(false);
                LedgerStore store = new LedgerStore(f.dialect());
                List<LedgerEntry> entries = new ArrayList<>();
                store.scan(c, 1, e -> entries.add(EntryCodec.decode(e.entry())));
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("DELETE FROM ledger_entry");
                    s.executeUpdate("DELETE FROM ledger_digest");
                    s.executeUpdate("UPDATE accounts SET balance = 5000 WHERE id = 3");
                }
                LedgerHead head = LedgerHead.empty();
                for (LedgerEntry e : entries) {
                    if (e.seq() == 12) { // the history now says id 3 got 5000, not 50
                        RowChange rc = (RowChange) e.changes().get(0);
                        Row after = Row.of("id", rc.after().get(rc.after().names().get(indexOf(rc.after(), "id"))),
                                name(rc.after(), "owner"), rc.after().get(name(rc.after(), "owner")),
                                name(rc.after(), "balance"), Value.of(5000));
                        e = new LedgerEntry(12, e.originNode(), e.commitTime(), e.txId(),
                                List.of(RowChange.update(rc.table(), rc.key(), rc.before(), rename(after, rc.after()))));
                    }
                    head = store.append(c, head, e);
                }
                c.commit();
            }
            Run without = verify(f);
            assertThat(without.exit()).as("a consistent forgery verifies clean without outside digests: " + without.out()).isZero();
            JsonNode finding = only(verify(f, "--digests", digests().toString()), "DIGEST_MISMATCH").get(0);
            assertThat(finding.get("seq").asLong()).isEqualTo(14);
        }
    }

    private static int indexOf(Row row, String lowerName) {
        return row.names().indexOf(name(row, lowerName));
    }

    /** The row's column name that is {@code lowerName} in any case (H2 upper-cases names). */
    private static String name(Row row, String lowerName) {
        return row.names().stream().filter(n -> n.equalsIgnoreCase(lowerName)).findFirst().orElseThrow();
    }

    /** {@code forged}'s columns under the names {@code like} uses. */
    private static Row rename(Row forged, Row like) {
        Row.Builder b = Row.builder();
        for (String n : forged.names()) {
            b.put(name(like, n.toLowerCase(Locale.ROOT)), forged.get(n));
        }
        return b.build();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anEditedStoredDigestHasAnInvalidSignature(Backend backend) throws Exception {
        try (Fixture f = story(backend)) {
            String line;
            try (Connection c = f.behind(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT digest FROM ledger_digest")) {
                rs.next();
                line = rs.getString(1);
            }
            String edited = line.replaceFirst("\"timestamp\":\"(\\d{4})", "\"timestamp\":\"2020");
            assertThat(edited).isNotEqualTo(line);
            try (Connection c = f.behind(); PreparedStatement ps = c.prepareStatement("UPDATE ledger_digest SET digest = ?")) {
                ps.setString(1, edited);
                ps.executeUpdate();
            }
            JsonNode finding = only(verify(f), "DIGEST_SIGNATURE_INVALID").get(0);
            assertThat(finding.get("seq").asLong()).isEqualTo(14);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTableDroppedAndRecreatedWithOneRowChangedIsNamedAtThatRow(Backend backend) throws Exception {
        try (Fixture f = story(backend)) {
            List<String> rows = new ArrayList<>();
            try (Connection c = f.behind(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, owner, balance FROM accounts ORDER BY id")) {
                while (rs.next()) {
                    int id = rs.getInt(1);
                    rows.add("INSERT INTO accounts (id, owner, balance) VALUES (" + id + ", '" + rs.getString(2) + "', "
                            + (id == 6 ? 101 : rs.getInt(3)) + ")");
                }
            }
            List<String> sql = new ArrayList<>(List.of("DROP TABLE accounts",
                    "CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(50), balance INT)"));
            sql.addAll(rows);
            raw(f, sql.toArray(String[]::new));
            JsonNode finding = only(verify(f), "ROW_CHANGED").get(0);
            assertThat(finding.get("key").toString()).isEqualToIgnoringCase("{\"id\":6}");
            assertThat(finding.get("seq").asLong()).isEqualTo(7);
            assertThat(finding.get("detail").asText()).containsIgnoringCase("balance");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDroppedTableIsMissing(Backend backend) throws Exception {
        try (Fixture f = story(backend)) {
            raw(f, "DROP TABLE accounts");
            JsonNode finding = only(verify(f), "TABLE_MISSING").get(0);
            assertThat(table(finding)).isEqualTo("accounts");
        }
    }

    /**
     * Clean ledgers of growing size, through DDL (an added column with a default, a rename, a dropped and
     * recreated table), upserts, key changes and deletes: no false positives at any size checked.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void cleanLedgersOfEverySizeVerifyCleanThroughDdlAndUpserts(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.ledger().close(); // creates the ledger tables
            assertClean(f, 0);
            try (Connection c = f.ledger(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kv (k INT PRIMARY KEY, v VARCHAR(40))");
                assertClean(f, 1);
                String upsert = switch (backend) {
                    case MARIADB -> "INSERT INTO kv (k, v) VALUES (%d, '%s') ON DUPLICATE KEY UPDATE v = VALUES(v)";
                    case H2_FILE, H2_MEM -> "MERGE INTO kv (k, v) KEY (k) VALUES (%d, '%s')";
                    default -> "INSERT INTO kv (k, v) VALUES (%d, '%s') ON CONFLICT (k) DO UPDATE SET v = excluded.v";
                };
                int size = 1;
                int[] checkpoints = {2, 3, 4, 5, 8, 9, 16, 17, 100, 257, 600, 1100, 2600};
                int next = 0;
                while (next < checkpoints.length) {
                    size++;
                    int k = size % 97;
                    switch (size % 11) {
                        case 0 -> s.executeUpdate("DELETE FROM kv WHERE k = " + k);
                        case 1 -> s.executeUpdate("UPDATE kv SET k = k + " + (1000 * size) + " WHERE k = " + k);
                        case 2 -> s.executeUpdate("UPDATE kv SET v = 'u" + size + "' WHERE k >= " + k + " AND k < " + (k + 3));
                        default -> s.executeUpdate(String.format(upsert, k, "v" + size));
                    }
                    if (size == 300) {
                        s.execute("ALTER TABLE kv ADD COLUMN extra INT DEFAULT 7");
                        size++;
                        s.execute("CREATE TABLE scratch (id INT PRIMARY KEY, n INT)");
                        s.executeUpdate("INSERT INTO scratch (id, n) VALUES (1, 1)");
                        s.execute("ALTER TABLE scratch RENAME TO scratch2");
                        s.executeUpdate("INSERT INTO scratch2 (id, n) VALUES (2, 2)");
                        s.execute("DROP TABLE scratch2");
                        s.execute("CREATE TABLE scratch2 (id INT PRIMARY KEY, n INT)");
                        s.executeUpdate("INSERT INTO scratch2 (id, n) VALUES (3, 3)");
                        size += 7;
                    }
                    // statements that change no row (a DELETE of a missing key) write no entry: size counts statements
                    if (size >= checkpoints[next]) {
                        assertClean(f, size);
                        next++;
                    }
                }
            }
        }
    }

    private void assertClean(Fixture f, long statements) throws Exception {
        Run r = verify(f);
        assertThat(r.exit()).as("after " + statements + " statements: " + r.out() + r.err()).isZero();
        // committed entries: sealed, or pending until the asynchronous sealer's next cycle (PostgreSQL, MariaDB)
        long pending = r.json().has("pendingEntries") ? r.json().get("pendingEntries").asLong() : 0;
        assertThat(r.json().get("entries").asLong() + pending).isBetween(statements / 2, statements);
    }
}
