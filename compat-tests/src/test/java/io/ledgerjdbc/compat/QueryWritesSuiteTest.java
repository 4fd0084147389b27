package io.ledgerjdbc.compat;

import static io.ledgerjdbc.compat.CaptureSuiteTest.accountsDdl;
import static io.ledgerjdbc.compat.CaptureSuiteTest.attempt;
import static io.ledgerjdbc.compat.CaptureSuiteTest.observe;
import static io.ledgerjdbc.compat.CaptureSuiteTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Operation;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writes whose rows come from a query: {@code INSERT … SELECT} on every backend and the standard
 * {@code MERGE … USING} on H2 and PostgreSQL. Same checks as the main suite: identical results through the
 * ledger and the raw driver, a clean ledger, and a replay that reproduces the tables.
 */
class QueryWritesSuiteTest {

    static final String SRC_DDL = "CREATE TABLE src (id INT PRIMARY KEY, owner VARCHAR(20), amount INT)";
    static final String ARCHIVE_DDL = "CREATE TABLE archive (id INT PRIMARY KEY, owner VARCHAR(20), amount INT, "
            + "tag VARCHAR(10) DEFAULT 'moved' NOT NULL)";

    private static void seedSource(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO src (id, owner, amount) VALUES (1, 'alice', 10), (2, 'bob', 20), (3, 'carol', 30), (4, 'dave', NULL)");
        }
    }

    private static void assertReplays(Fixture f, String... tables) throws Exception {
        assertThat(f.verify()).isEmpty();
        for (List<?> t : f.replayAndCompare(tables)) {
            assertThat(t.get(2)).as("replayed %s", t.get(0)).isEqualTo(t.get(1));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void insertSelectGivingTheKeyRecordsEveryRowAsStored(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(SRC_DDL, ARCHIVE_DDL);
            CaptureSuiteTest.Script script = (c, seen) -> {
                seedSource(c);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO archive (id, owner, amount) SELECT id, owner, amount FROM src WHERE amount > ?")) {
                    ps.setInt(1, 15);
                    seen.add("param " + ps.executeUpdate());
                    ps.setInt(1, 1000);
                    seen.add("none " + ps.executeUpdate());
                }
                try (Statement s = c.createStatement()) {
                    seen.add("union " + s.executeUpdate("INSERT INTO archive (id, owner, amount) SELECT id + 100, owner, amount * 2 FROM src "
                            + "WHERE id = 1 UNION ALL SELECT id + 200, owner, 0 FROM src WHERE amount IS NULL"));
                    seen.add("execute " + s.execute("INSERT INTO archive SELECT id + 300, owner, amount, 'all' FROM src") + " " + s.getUpdateCount());
                    attempt(seen, () -> s.executeUpdate("INSERT INTO archive (id, owner, amount) SELECT id, owner, amount FROM src WHERE id = 2"));
                }
                query(c, "SELECT id, owner, amount, tag FROM archive ORDER BY id", seen);
            };
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = observe(l, script);
                viaRaw = observe(r, script);
            }
            assertThat(viaLedger).isEqualTo(viaRaw);
            assertThat(viaLedger).contains("param 2", "none 0", "union 2", "execute false 4", "101|alice|20|moved");
            // DDL ×2, the seed, the three INSERT … SELECT that inserted rows; the empty one and the failed one left none
            List<LedgerEntry> entries = f.entries();
            assertThat(entries).hasSize(6);
            RowChange first = (RowChange) entries.get(3).changes().get(0);
            assertThat(first.op()).isEqualTo(Operation.INSERT);
            assertThat(first.after().toString()).contains("moved"); // the default, as stored
            assertReplays(f, "src", "archive");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void insertSelectWithGeneratedKeysRecordsEveryRowAndReturnsTheRawKeys(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(SRC_DDL, accountsDdl(backend));
            CaptureSuiteTest.Script script = (c, seen) -> {
                seedSource(c);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (owner, balance) SELECT owner, amount FROM src WHERE amount IS NOT NULL")) {
                    seen.add("prepared " + ps.executeUpdate());
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (owner) SELECT owner FROM src WHERE id <= ?",
                        Statement.RETURN_GENERATED_KEYS)) {
                    ps.setInt(1, 2);
                    seen.add("keys asked " + ps.executeUpdate());
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        while (keys.next()) seen.add("key " + keys.getLong(1));
                    }
                }
                try (Statement s = c.createStatement()) {
                    seen.add("statement asking " + s.executeUpdate("INSERT INTO accounts (owner) SELECT owner FROM src WHERE id = 3",
                            Statement.RETURN_GENERATED_KEYS));
                }
                query(c, "SELECT id, owner, balance FROM accounts ORDER BY id", seen);
            };
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = observe(l, script);
                viaRaw = observe(r, script);
            }
            assertThat(viaLedger).isEqualTo(viaRaw);
            assertThat(viaLedger).contains("prepared 3", "keys asked 2", "statement asking 1");
            assertThat(f.entries().get(3).changes()).hasSize(3);
            try (Connection c = f.behind()) {
                // every recorded after-image is the row as stored (created = the database's CURRENT_TIMESTAMP)
                List<Object> recorded = new ArrayList<>();
                f.entries().stream().flatMap(e -> e.changes().stream()).filter(ch -> ch instanceof RowChange rc && rc.table().equalsIgnoreCase("accounts"))
                        .forEach(ch -> recorded.add(((RowChange) ch).after()));
                assertThat(TableSnapshot.of(c, f.dialect(), "accounts")).containsExactlyInAnyOrderElementsOf(
                        recorded.stream().map(o -> (io.ledgerjdbc.ledger.entry.Row) o).toList());
            }
            assertReplays(f, "src", "accounts");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void insertSelectThatCannotBeFollowedIsRefusedBeforeItRuns(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(SRC_DDL, accountsDdl(backend), "CREATE TABLE kv (k INT PRIMARY KEY, v VARCHAR(20))");
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                seedSource(l);
                List<String> refused = new ArrayList<>(List.of(backend == Backend.MARIADB
                        ? "INSERT INTO kv (k, v) SELECT id, owner FROM src ON DUPLICATE KEY UPDATE v = 'x'"
                        : "INSERT INTO kv (k, v) SELECT id, owner FROM src ON CONFLICT DO NOTHING"));
                for (String sql : refused) {
                    assertThatThrownBy(() -> s.executeUpdate(sql)).as(sql)
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"))
                            .hasMessageContaining("INSERT ... SELECT");
                }
            }
            try (Connection c = f.behind()) {
                assertThat(TableSnapshot.of(c, f.dialect(), "kv")).isEmpty();
                assertThat(TableSnapshot.of(c, f.dialect(), "accounts")).isEmpty();
            }
            assertThat(f.entries()).hasSize(4); // DDL ×3 and the seed
            assertThat(f.verify()).isEmpty();
        }
    }

    /**
     * A plain Statement's INSERT … SELECT whose keys the database generates: the driver asks the real statement for
     * the keys itself, so the rows are recorded, and the application still sees what the raw driver shows it.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void plainStatementInsertSelectWithGeneratedKeysIsRecorded(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(SRC_DDL, accountsDdl(backend));
            try (Connection l = f.ledger()) {
                seedSource(l);
            }
            CaptureSuiteTest.Script script = (c, seen) -> {
                try (Statement s = c.createStatement()) {
                    seen.add("inserted " + s.executeUpdate("INSERT INTO accounts (owner) SELECT owner FROM src WHERE amount IS NOT NULL ORDER BY id"));
                }
                CaptureSuiteTest.query(c, "SELECT owner FROM accounts ORDER BY id", seen);
            };
            List<String> viaLedger;
            try (Connection l = f.ledger()) {
                viaLedger = CaptureSuiteTest.observe(l, script);
            }
            assertThat(viaLedger).containsExactly("inserted 3", "alice", "bob", "carol");
            assertThat(f.entries().get(f.entries().size() - 1).changes()).hasSize(3);
            assertReplays(f, "accounts");
        }
    }

    static final String KV_DDL = "CREATE TABLE kv (k INT PRIMARY KEY, v VARCHAR(20), note VARCHAR(20) DEFAULT 'new')";
    static final String CHANGES_DDL = "CREATE TABLE changes (k INT PRIMARY KEY, v VARCHAR(20), del INT)";

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"H2_FILE", "H2_MEM", "POSTGRESQL"})
    void mergeUpdatesDeletesAndInsertsAreRecordedByKey(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(KV_DDL, CHANGES_DDL);
            CaptureSuiteTest.Script script = (c, seen) -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO kv (k, v) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'same')");
                    s.executeUpdate("INSERT INTO changes (k, v, del) VALUES (1, 'a2', 0), (2, NULL, 1), (4, 'same', 0), (5, 'e', 0), (6, NULL, 0)");
                    seen.add("merge " + s.executeUpdate("MERGE INTO kv t USING changes s ON t.k = s.k "
                            + "WHEN MATCHED AND s.del = 1 THEN DELETE "
                            + "WHEN MATCHED THEN UPDATE SET v = s.v, note = 'merged' "
                            + "WHEN NOT MATCHED AND s.v IS NOT NULL THEN INSERT (k, v) VALUES (s.k, s.v)"));
                    seen.add("again " + s.executeUpdate("MERGE INTO kv USING changes ON kv.k = changes.k WHEN MATCHED THEN UPDATE SET v = changes.v"));
                }
                try (PreparedStatement ps = c.prepareStatement("MERGE INTO kv AS t USING (SELECT CAST(? AS INT) AS k, CAST(? AS VARCHAR(20)) AS v) AS s "
                        + "ON t.k = s.k WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (k, v, note) VALUES (s.k, s.v, ?)")) {
                    for (int k : new int[] {3, 7}) {
                        ps.setInt(1, k);
                        ps.setString(2, "p" + k);
                        ps.setString(3, "param");
                        seen.add("prepared " + ps.executeUpdate());
                    }
                }
                query(c, "SELECT k, v, note FROM kv ORDER BY k", seen);
            };
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = observe(l, script);
                viaRaw = observe(r, script);
            }
            assertThat(viaLedger).isEqualTo(viaRaw);
            assertThat(viaLedger).contains("merge 4", "1|a2|merged", "5|e|new", "3|p3|new", "7|p7|param").doesNotContain("2|b|new");
            List<LedgerEntry> entries = f.entries();
            // the first MERGE: 1 updated, 2 deleted, 4 matched but unchanged in value (note changed), 5 inserted
            assertThat(entries.get(4).changes()).extracting(ch -> ((RowChange) ch).op())
                    .containsExactlyInAnyOrder(Operation.UPDATE, Operation.DELETE, Operation.UPDATE, Operation.INSERT);
            assertReplays(f, "kv", "changes");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"H2_FILE", "H2_MEM", "POSTGRESQL"})
    void concurrentMergesOfTheSameNewKeysNeitherLoseNorDoubleRecordRows(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE hits (id INT PRIMARY KEY, n INT)");
            int threads = 4;
            int perThread = 15;
            java.util.concurrent.atomic.AtomicInteger merged = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        try (Connection l = f.ledger(); PreparedStatement ps = l.prepareStatement("MERGE INTO hits t USING "
                                + "(SELECT CAST(? AS INT) AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET n = t.n + 1 "
                                + "WHEN NOT MATCHED THEN INSERT (id, n) VALUES (s.id, 1)")) {
                            for (int i = 0; i < perThread; i++) {
                                ps.setInt(1, i % 5);
                                retryOnConflict(ps);
                                merged.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> d : done) d.get();
            } finally {
                pool.shutdownNow();
            }
            try (Connection c = f.behind(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT SUM(n), COUNT(*) FROM hits")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(merged.get()).isEqualTo(threads * perThread);
                assertThat(rs.getInt(2)).isEqualTo(5);
            }
            assertThat(f.entries()).hasSize(1 + threads * perThread);
            assertReplays(f, "hits");
        }
    }

    /**
     * A MERGE that inserts a key its own transaction deleted just before: the committed row it no longer sees is its
     * own doing, not another transaction's, so it is recorded (H2 checks committed keys on a connection of its own).
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"H2_FILE", "H2_MEM", "POSTGRESQL"})
    void aMergeMayInsertAKeyItsOwnTransactionDeleted(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE hits (id INT PRIMARY KEY, n INT)");
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                s.executeUpdate("INSERT INTO hits (id, n) VALUES (1, 5)");
                l.setAutoCommit(false);
                assertThat(s.executeUpdate("DELETE FROM hits WHERE id = 1")).isEqualTo(1);
                assertThat(s.executeUpdate("MERGE INTO hits t USING (SELECT 1 AS id) src ON t.id = src.id "
                        + "WHEN MATCHED THEN UPDATE SET n = t.n + 1 WHEN NOT MATCHED THEN INSERT (id, n) VALUES (src.id, 1)")).isEqualTo(1);
                l.commit();
            }
            assertThat(f.entries().get(f.entries().size() - 1).changes()).extracting(ch -> ((RowChange) ch).op())
                    .containsExactly(Operation.DELETE, Operation.INSERT);
            assertReplays(f, "hits");
        }
    }

    /** 40001 (capture's conflict or PostgreSQL's), a deadlock, or a duplicate key of a racing insert: retried. */
    private static void retryOnConflict(PreparedStatement ps) throws SQLException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                ps.executeUpdate();
                return;
            } catch (SQLException e) {
                String state = e.getSQLState();
                boolean retry = "40001".equals(state) || "40P01".equals(state) || "23505".equals(state) || "HYT00".equals(state);
                if (!retry || attempt > 200) throw e;
                Thread.sleep(2);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void mergesCaptureCannotFollowAreRefusedBeforeTheyRun(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(KV_DDL, CHANGES_DDL, "CREATE TABLE nokey (k INT, v VARCHAR(20))");
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                s.executeUpdate("INSERT INTO kv (k, v) VALUES (1, 'a')");
                s.executeUpdate("INSERT INTO changes (k, v, del) VALUES (1, 'x', 0), (2, 'y', 0)");
                List<String> refused = List.of(
                        "MERGE INTO kv USING changes s ON kv.k = s.k WHEN MATCHED THEN UPDATE SET k = s.k + 10",
                        "MERGE INTO kv USING changes s ON kv.k = s.k WHEN NOT MATCHED THEN INSERT (v) VALUES (s.v)",
                        "MERGE INTO nokey USING changes s ON nokey.k = s.k WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, s.v)");
                for (String sql : refused) {
                    assertThatThrownBy(() -> s.executeUpdate(sql)).as(sql)
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"))
                            .hasMessageContaining("MERGE");
                }
            }
            try (Connection c = f.behind()) {
                assertThat(TableSnapshot.of(c, f.dialect(), "kv").toString()).containsIgnoringCase("v='a'").doesNotContainIgnoringCase("k=11").doesNotContainIgnoringCase("v='y'");
                assertThat(TableSnapshot.of(c, f.dialect(), "nokey")).isEmpty();
            }
            assertThat(f.entries()).hasSize(5); // DDL ×3 and the two inserts
            assertReplays(f, "kv", "changes");
        }
    }
}
