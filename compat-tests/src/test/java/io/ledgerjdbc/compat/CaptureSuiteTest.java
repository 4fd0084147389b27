package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Operation;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The behavioural suite: the same script runs through the ledger driver and through the raw driver on
 * every backend; results, counts, keys and errors must be identical, the ledger must verify clean, and
 * replaying its row images into an empty database must reproduce the tables exactly.
 */
class CaptureSuiteTest {

    static String accountsDdl(Backend b) {
        String id = switch (b) {
            case SQLITE -> "id INTEGER PRIMARY KEY AUTOINCREMENT";
            case POSTGRESQL -> "id BIGSERIAL PRIMARY KEY";
            default -> "id BIGINT AUTO_INCREMENT PRIMARY KEY";
        };
        return "CREATE TABLE accounts (" + id + ", owner VARCHAR(100) NOT NULL, balance DECIMAL(12,2) DEFAULT 0 NOT NULL, "
                + "created TIMESTAMP DEFAULT CURRENT_TIMESTAMP, note VARCHAR(200))";
    }

    static final String ITEMS_DDL = "CREATE TABLE items (sku VARCHAR(20) NOT NULL, region INT NOT NULL, qty INT, "
            + "CONSTRAINT items_pk PRIMARY KEY (sku, region))";

    /** What an application can observe of a script, in order. */
    interface Script {
        void run(Connection c, List<String> seen) throws SQLException;
    }

    static List<String> observe(Connection c, Script s) throws SQLException {
        List<String> seen = new ArrayList<>();
        s.run(c, seen);
        return seen;
    }

    static void query(Connection c, String sql, List<String> seen) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) row.append(i == 1 ? "" : "|").append(rs.getString(i));
                seen.add(row.toString());
            }
        }
    }

    static void attempt(List<String> seen, SqlRunnable r) {
        try {
            r.run();
            seen.add("ok");
        } catch (SQLException e) {
            // connection ids and the per-test database names differ between the two databases, nothing else may
            seen.add("error " + e.getSQLState() + " " + e.getErrorCode() + " "
                    + e.getMessage().replaceAll("\\(conn=\\d+\\)", "(conn=N)").replaceAll("lt_[0-9a-f]{12}", "DB").replaceAll("PRIMARY_KEY_[0-9A-F]+", "PRIMARY_KEY_N"));
        }
    }

    interface SqlRunnable {
        void run() throws SQLException;
    }

    private static final Script BANKING = (c, seen) -> {
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO accounts (owner, balance, note) VALUES (?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            for (String owner : new String[] {"alice", "bob", "carol", "dave"}) {
                ins.setString(1, owner);
                ins.setBigDecimal(2, new BigDecimal("100.50"));
                ins.setString(3, owner.equals("carol") ? null : "note for " + owner + " ✓");
                seen.add("insert " + ins.executeUpdate());
                try (ResultSet keys = ins.getGeneratedKeys()) {
                    keys.next();
                    seen.add("key " + keys.getLong(1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            seen.add("update " + s.executeUpdate("UPDATE accounts SET balance = balance + 10 WHERE owner <> 'bob'"));
            seen.add("delete " + s.executeUpdate("DELETE FROM accounts WHERE id IN (SELECT id FROM accounts WHERE owner = 'dave')"));
            seen.add("none " + s.executeUpdate("UPDATE accounts SET note = 'x' WHERE owner = 'nobody'"));
        }
        try (PreparedStatement up = c.prepareStatement("UPDATE accounts SET note = ?, balance = balance * ? WHERE id = ?")) {
            up.setString(1, "changed");
            up.setBigDecimal(2, new BigDecimal("2"));
            up.setLong(3, 1);
            seen.add("update " + up.executeUpdate());
        }
        try (Statement s = c.createStatement()) {
            seen.add("items " + s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('a-1', 1, 5), ('a-1', 2, 7), ('b-2', 1, NULL)"));
            seen.add("execute " + s.execute("UPDATE items SET qty = qty + 1 WHERE sku = 'a-1'") + " " + s.getUpdateCount());
            seen.add("large " + s.executeLargeUpdate("UPDATE items SET region = region + 10 WHERE sku = 'b-2'"));
        }
        query(c, "SELECT id, owner, balance, note FROM accounts ORDER BY id", seen);
        query(c, "SELECT sku, region, qty FROM items ORDER BY sku, region", seen);
    };

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aPlainJdbcProgramBehavesIdenticallyAndItsLedgerReplaysToTheSameTables(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(accountsDdl(backend), ITEMS_DDL);
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = observe(l, BANKING);
                viaRaw = observe(r, BANKING);
            }
            assertThat(viaLedger).isEqualTo(viaRaw);
            assertThat(f.verify()).isEmpty();
            for (List<?> t : f.replayAndCompare("accounts", "items")) {
                assertThat(t.get(2)).as("replayed %s", t.get(0)).isEqualTo(t.get(1));
            }
            List<LedgerEntry> entries = f.entries();
            // 2 DDL + 4 inserts + update + delete + update + items insert + 2 updates; the no-op update has no entry
            assertThat(entries).hasSize(12);
            assertThat(entries.get(0).changes().get(0)).isInstanceOf(DdlChange.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void recordedDefaultsAndTimestampsAreTheStoredValues(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(accountsDdl(backend));
            try (Connection l = f.ledger(); PreparedStatement ps = l.prepareStatement("INSERT INTO accounts (owner) VALUES (?)")) {
                ps.setString(1, "erin");
                ps.executeUpdate();
            }
            RowChange insert = (RowChange) f.entries().get(1).changes().get(0);
            assertThat(insert.op()).isEqualTo(Operation.INSERT);
            try (Connection c = f.behind()) {
                List<Row> stored = TableSnapshot.of(c, f.dialect(), "accounts");
                assertThat(stored).containsExactly(insert.after());
            }
            assertThat(insert.after().toString()).contains("erin");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anExplicitTransactionIsOneEntryAndARollbackLeavesNone(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(ITEMS_DDL);
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                l.setAutoCommit(false);
                s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('a', 1, 1)");
                s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('b', 1, 1)");
                l.commit();
                s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('c', 1, 1)");
                l.rollback();
                s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('d', 1, 1)");
                Savepoint sp = l.setSavepoint();
                s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('e', 1, 1)");
                l.rollback(sp);
                s.executeUpdate("UPDATE items SET qty = 2 WHERE sku = 'a'");
                l.commit();
                l.setAutoCommit(true);
            }
            List<LedgerEntry> entries = f.entries();
            assertThat(entries).hasSize(3);
            assertThat(entries.get(1).changes()).hasSize(2);
            assertThat(entries.get(2).changes()).extracting(ch -> ((RowChange) ch).op()).containsExactly(Operation.INSERT, Operation.UPDATE);
            assertThat(entries.get(2).changes().get(0).toString()).contains("d");
            assertThat(f.verify()).isEmpty();
            for (List<?> t : f.replayAndCompare("items")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void writesThatCannotBeCapturedAreRefusedBeforeTheyRun(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(ITEMS_DDL);
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('a', 1, 1)");
                for (String sql : new String[] {
                        "UPDATE items SET qty = 5; DELETE FROM items",
                        "DELETE FROM ledger_entry",
                        // H2 has no procedures: its CALL evaluates an expression, a read (see SqlAnalyzer)
                        f.dialect() == SqlDialect.H2 ? "CALL NEXT VALUE FOR no_such_seq, setval('s', 1)" : "CALL some_procedure()",
                        "TRUNCATE TABLE items"}) {
                    assertThatThrownBy(() -> s.execute(sql)).as(sql)
                            .isInstanceOf(SQLException.class)
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
                }
            }
            try (Connection c = f.behind()) {
                assertThat(TableSnapshot.of(c, f.dialect(), "items")).hasSize(1);
                assertThat(TableSnapshot.of(c, f.dialect(), "items").get(0).toString()).containsIgnoringCase("qty=1");
            }
            assertThat(f.entries()).hasSize(2);
            assertThat(f.verify()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"H2_FILE", "H2_MEM", "POSTGRESQL"})
    void aSchemaChangeThatNamesNoObjectIsRecordedWithAnEmptyObject(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(ITEMS_DDL);
            int before = f.entries().size();
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                s.execute("CREATE INDEX ON items (qty)"); // an index without a name: the database names it
            }
            List<LedgerEntry> entries = f.entries();
            assertThat(entries).hasSize(before + 1);
            assertThat(entries.get(before).changes()).singleElement().isInstanceOfSatisfying(DdlChange.class, d -> {
                assertThat(d.object()).isEmpty();
                assertThat(d.sql()).isEqualTo("CREATE INDEX ON items (qty)");
            });
            assertThat(f.verify()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aWriteThroughAViewGetsTheDatabasesOwnErrorOrIsRefusedAndChangesNothing(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(ITEMS_DDL, "INSERT INTO items (sku, region, qty) VALUES ('a', 1, 1)",
                    "CREATE VIEW stock AS SELECT sku, region, qty FROM items");
            int entriesBefore = f.entries().size();
            String[] writes = {"INSERT INTO stock (sku, region, qty) VALUES ('b', 1, 2)", "UPDATE stock SET qty = 5",
                    "DELETE FROM stock WHERE sku = 'a'"};
            for (String write : writes) {
                List<String> viaRaw = new ArrayList<>();
                List<String> viaLedger = new ArrayList<>();
                try (Connection r = f.raw(); Statement s = r.createStatement()) {
                    r.setAutoCommit(false); // the raw twin's updatable views must not change: its rows are compared below
                    attempt(viaRaw, () -> s.executeUpdate(write));
                    r.rollback();
                }
                try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                    attempt(viaLedger, () -> s.executeUpdate(write));
                }
                if (viaRaw.get(0).equals("ok")) {
                    // an updatable view (PostgreSQL, MariaDB): its rows change in the base table, which capture does not see here
                    assertThat(viaLedger.get(0)).as(write).startsWith("error 0A000 0 LedgerJDBC refuses a write through view");
                } else {
                    assertThat(viaLedger).as(write).isEqualTo(viaRaw);
                }
            }
            List<String> rows = new ArrayList<>();
            try (Connection l = f.ledger()) {
                query(l, "SELECT sku, region, qty FROM items", rows);
            }
            assertThat(rows).containsExactly("a|1|1");
            assertThat(f.entries()).hasSize(entriesBefore);
            assertThat(f.verify()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void databaseErrorsReachTheCallerUnchanged(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(ITEMS_DDL);
            Script duplicate = (c, seen) -> {
                try (Statement s = c.createStatement()) {
                    attempt(seen, () -> s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('a', 1, 1)"));
                    attempt(seen, () -> s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('a', 1, 2)"));
                    attempt(seen, () -> s.executeUpdate("UPDATE items SET qty = 'not a number' WHERE sku = 'a'"));
                    attempt(seen, () -> s.executeQuery("SELECT nothing FROM nowhere").close());
                    // typos no database could run reach the database for its own syntax error (not a 0A000 refusal)
                    attempt(seen, () -> s.executeUpdate("INSRT INTO items (sku, region, qty) VALUES ('b', 1, 1)"));
                    attempt(seen, () -> s.execute("UPDTE items SET qty = 3"));
                    attempt(seen, () -> {
                        try (PreparedStatement ps = c.prepareStatement("DELTE FROM items WHERE sku = ?")) {
                            ps.setString(1, "a");
                            ps.executeUpdate();
                        }
                    });
                    // writes to a table that does not exist get the database's own error, not a refusal
                    attempt(seen, () -> s.executeUpdate("INSERT INTO nowhere (a) VALUES (1)"));
                    attempt(seen, () -> s.executeUpdate("UPDATE nowhere SET a = 2 WHERE a = 1"));
                    attempt(seen, () -> s.execute("DELETE FROM nowhere"));
                    attempt(seen, () -> s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('c', 1, 1)"));
                }
            };
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = observe(l, duplicate);
                viaRaw = observe(r, duplicate);
            }
            assertThat(viaLedger).isEqualTo(viaRaw);
            assertThat(viaLedger.subList(4, 10)).allSatisfy(outcome -> assertThat(outcome).startsWith("error ").doesNotContain("0A000"));
            assertThat(viaLedger.get(10)).isEqualTo("ok");
            assertThat(f.verify()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void concurrentConnectionsProduceOneGapFreeChain(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(ITEMS_DDL);
            int threads = 4;
            int perThread = 25;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int region = t;
                    done.add(pool.submit(() -> {
                        try (Connection l = f.ledger();
                             PreparedStatement ps = l.prepareStatement("INSERT INTO items (sku, region, qty) VALUES (?, ?, ?)")) {
                            for (int i = 0; i < perThread; i++) {
                                ps.setString(1, "sku-" + i);
                                ps.setInt(2, region);
                                ps.setInt(3, i);
                                retryOnBusy(ps);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> d : done) d.get();
            } finally {
                pool.shutdownNow();
            }
            List<LedgerEntry> entries = f.entries();
            assertThat(entries).hasSize(1 + threads * perThread);
            for (int i = 0; i < entries.size(); i++) assertThat(entries.get(i).seq()).isEqualTo(i + 1);
            assertThat(f.verify()).isEmpty();
            for (List<?> t : f.replayAndCompare("items")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    /**
     * PostgreSQL: the ledger's own commit is made asynchronous only for itself (so the head lock is not held across
     * the fsync); the application's session setting and its own transactions keep synchronous_commit as they were.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "POSTGRESQL")
    void ledgerCommitsLeaveTheSessionsSynchronousCommitAsItWas(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(ITEMS_DDL);
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                assertThat(setting(s)).isEqualTo("on");
                s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('a', 1, 1)");
                assertThat(setting(s)).as("after an autocommit write").isEqualTo("on");
                l.setAutoCommit(false);
                s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('b', 1, 2)");
                assertThat(setting(s)).as("inside the transaction, before the ledger commits it").isEqualTo("on");
                l.commit();
                assertThat(setting(s)).as("after commit").isEqualTo("on");
                s.execute("SET synchronous_commit = local");
                s.executeUpdate("INSERT INTO items (sku, region, qty) VALUES ('c', 1, 3)");
                l.commit();
                assertThat(setting(s)).as("a session's own choice survives").isEqualTo("local");
                assertThat(l.getAutoCommit()).isFalse();
            }
            assertThat(f.entries()).hasSize(4);
            assertThat(f.verify()).isEmpty();
        }
    }

    /**
     * PostgreSQL: the ledger's commit is asynchronous under its lock, and the driver then waits for the WAL flush;
     * so every acknowledged commit made a flush happen (the server's own count of WAL syncs grows by at least one
     * per commit of a single connection). A wait that flushed nothing would leave the count almost unchanged.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "POSTGRESQL")
    void everyAcknowledgedCommitIsFlushedToTheWal(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(ITEMS_DDL);
            int commits = 40;
            long before = walSyncs(f);
            try (Connection l = f.ledger(); PreparedStatement ps = l.prepareStatement("INSERT INTO items (sku, region, qty) VALUES (?, 1, 1)")) {
                for (int i = 0; i < commits; i++) {
                    ps.setString(1, "s" + i);
                    ps.executeUpdate();
                }
            } // a backend reports its WAL statistics when its connection closes
            long after = walSyncs(f);
            assertThat(after - before).as("WAL syncs for " + commits + " acknowledged commits").isGreaterThanOrEqualTo(commits);
            assertThat(f.entries()).hasSize(1 + commits);
        }
    }

    private static long walSyncs(Fixture f) throws Exception {
        Thread.sleep(300);
        try (Connection c = f.behind(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("SELECT wal_sync FROM pg_stat_wal")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String setting(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** SQLite allows one writer: a concurrent writer may see SQLITE_BUSY and retry, as any SQLite app does. */
    private static void retryOnBusy(PreparedStatement ps) throws SQLException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                ps.executeUpdate();
                return;
            } catch (SQLException e) {
                boolean busy = e.getMessage() != null && (e.getMessage().contains("SQLITE_BUSY") || e.getMessage().contains("locked"));
                if (!busy || attempt > 200) throw e;
                Thread.sleep(5);
            }
        }
    }

    static List<Change> changes(LedgerEntry e) {
        return e.changes();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void batchesAreCapturedAndAFailedAutocommitBatchKeepsWhatTheRawDriverKeeps(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(ITEMS_DDL);
            Script batches = (c, seen) -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (sku, region, qty) VALUES (?, ?, ?)")) {
                    for (int i = 0; i < 3; i++) {
                        ps.setString(1, "p" + i);
                        ps.setInt(2, 1);
                        ps.setInt(3, i);
                        ps.addBatch();
                    }
                    seen.add("batch " + java.util.Arrays.toString(ps.executeBatch()));
                }
                try (Statement s = c.createStatement()) {
                    s.addBatch("UPDATE items SET qty = qty + 1 WHERE sku = 'p0'");
                    s.addBatch("DELETE FROM items WHERE sku = 'p2'");
                    seen.add("batch " + java.util.Arrays.toString(s.executeBatch()));
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (sku, region, qty) VALUES (?, ?, ?)")) {
                    ps.setString(1, "q");
                    ps.setInt(2, 1);
                    ps.setInt(3, 1);
                    ps.addBatch();
                    ps.setString(1, "p1"); // duplicate key
                    ps.setInt(2, 1);
                    ps.setInt(3, 1);
                    ps.addBatch();
                    attempt(seen, ps::executeBatch);
                }
                query(c, "SELECT sku, region, qty FROM items ORDER BY sku", seen);
            };
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = observe(l, batches);
                viaRaw = observe(r, batches);
            }
            assertThat(viaLedger.get(0)).isEqualTo("batch [1, 1, 1]");
            assertThat(viaLedger.get(1)).isEqualTo("batch [1, 1]");
            assertThat(viaLedger.get(2)).startsWith("error");
            // an autocommit batch keeps what the raw driver keeps (AutocommitBatchSuiteTest): 'q' on SQLite and H2
            assertThat(viaLedger.subList(3, viaLedger.size())).isEqualTo(viaRaw.subList(3, viaRaw.size()));
            assertThat(viaLedger.subList(3, viaLedger.size())).contains("p0|1|1", "p1|1|1");
            // DDL, then one entry per committed item where the raw driver commits item by item, else per batch
            int entries = switch (backend) {
                case POSTGRESQL -> 1 + 1 + 1;
                case MARIADB -> 1 + 1 + 2; // its prepared batch is atomic, its Statement batch is not
                default -> 1 + 3 + 2 + 1;
            };
            assertThat(f.entries()).hasSize(entries);
            assertThat(f.entries().get(1).changes()).hasSize(backend == Backend.POSTGRESQL || backend == Backend.MARIADB ? 3 : 1);
            assertThat(f.verify()).isEmpty();
            for (List<?> t : f.replayAndCompare("items")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    static void keys(Statement s, List<String> seen) throws SQLException {
        StringBuilder b = new StringBuilder("keys");
        try (ResultSet keys = s.getGeneratedKeys()) {
            while (keys.next()) b.append(' ').append(keys.getLong(1));
        }
        seen.add(b.toString());
    }

    /**
     * The driver asks the real statement for keys it needs (a generated primary key, PostgreSQL's ctids); an
     * application that did not ask still sees what the raw driver shows it: its columns, its rows, or its error.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void generatedKeysNotAskedForAreWhatTheRawDriverShows(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(accountsDdl(backend), "CREATE TABLE nokey (owner VARCHAR(100), n INT)");
            Script script = (c, seen) -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (owner) VALUES (?)")) {
                    ps.setString(1, "a");
                    seen.add("prepared " + ps.executeUpdate());
                    attempt(seen, () -> keysShape(ps, seen));
                }
                try (Statement s = c.createStatement()) {
                    seen.add("statement " + s.executeUpdate("INSERT INTO accounts (owner) VALUES ('b')"));
                    attempt(seen, () -> keysShape(s, seen));
                    // the same statement again, now asking for keys itself, with the key given
                    seen.add("asked " + s.executeUpdate("INSERT INTO accounts (id, owner) VALUES (500, 'g')", Statement.RETURN_GENERATED_KEYS));
                    attempt(seen, () -> keysShape(s, seen));
                    if (backend != Backend.MARIADB) { // MariaDB refuses key-less INSERTs through the driver
                        seen.add("keyless " + s.executeUpdate("INSERT INTO nokey (owner, n) VALUES ('c', 1)"));
                        attempt(seen, () -> keysShape(s, seen));
                    }
                }
            };
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = observe(l, script);
                viaRaw = observe(r, script);
            }
            assertThat(viaLedger).isEqualTo(viaRaw);
            assertThat(f.verify()).isEmpty();
        }
    }

    /** The generated-keys result as an application sees it: its column count and rows. */
    static void keysShape(Statement s, List<String> seen) throws SQLException {
        try (ResultSet keys = s.getGeneratedKeys()) {
            StringBuilder b = new StringBuilder("keys of " + keys.getMetaData().getColumnCount() + " columns:");
            while (keys.next()) b.append(' ').append(keys.getString(1));
            seen.add(b.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void generatedKeysAfterABatchAreThoseTheRawDriverReturns(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(accountsDdl(backend));
            Script script = (c, seen) -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (owner) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                    for (String owner : new String[] {"a", "b", "c"}) {
                        ps.setString(1, owner);
                        ps.addBatch();
                    }
                    seen.add("batch " + java.util.Arrays.toString(ps.executeBatch()));
                    keys(ps, seen);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (owner) VALUES (?)")) {
                    for (String owner : new String[] {"d", "e"}) {
                        ps.setString(1, owner);
                        ps.addBatch();
                    }
                    seen.add("not asked " + java.util.Arrays.toString(ps.executeBatch()));
                    if (backend != Backend.MARIADB) { // MariaDB's driver throws here; the ledger driver asked for keys, so it has them
                        keys(ps, seen);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (id, owner) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                    for (int id : new int[] {100, 101}) {
                        ps.setInt(1, id);
                        ps.setString(2, "given");
                        ps.addBatch();
                    }
                    seen.add("given " + java.util.Arrays.toString(ps.executeBatch()));
                    keys(ps, seen);
                }
            };
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = observe(l, script);
                viaRaw = observe(r, script);
            }
            assertThat(viaLedger).isEqualTo(viaRaw);
            assertThat(f.verify()).isEmpty();
            for (List<?> t : f.replayAndCompare("accounts")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMultiRowInsertWithGeneratedKeysRecordsEveryRow(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(accountsDdl(backend));
            try (Connection l = f.ledger();
                 PreparedStatement ps = l.prepareStatement("INSERT INTO accounts (owner, balance) VALUES (?, 1), (?, 2), (?, 3)")) {
                ps.setString(1, "x");
                ps.setString(2, "y");
                ps.setString(3, "z");
                assertThat(ps.executeUpdate()).isEqualTo(3);
            }
            assertThat(f.entries().get(1).changes()).hasSize(3);
            assertThat(f.verify()).isEmpty();
            for (List<?> t : f.replayAndCompare("accounts")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    static String typesDdl(Backend b) {
        return switch (b) {
            case SQLITE -> "CREATE TABLE \"Typed Things\" (\"Id\" INTEGER PRIMARY KEY, c_small SMALLINT, c_big BIGINT, c_dec DECIMAL(20,6), "
                    + "c_flt DOUBLE, c_txt TEXT, c_bin BLOB, c_flag BOOLEAN, c_day DATE, c_ts TIMESTAMP, c_tstz TIMESTAMP, c_nothing TEXT)";
            case H2_FILE, H2_MEM -> "CREATE TABLE \"Typed Things\" (\"Id\" INT PRIMARY KEY, c_small SMALLINT, c_big BIGINT, c_dec DECIMAL(20,6), "
                    + "c_flt DOUBLE PRECISION, c_txt CLOB, c_bin BLOB, c_flag BOOLEAN, c_day DATE, c_ts TIMESTAMP(6), "
                    + "c_tstz TIMESTAMP(6) WITH TIME ZONE, c_nothing VARCHAR(10))";
            case POSTGRESQL -> "CREATE TABLE \"Typed Things\" (\"Id\" INT PRIMARY KEY, c_small SMALLINT, c_big BIGINT, c_dec NUMERIC(20,6), "
                    + "c_flt DOUBLE PRECISION, c_txt TEXT, c_bin BYTEA, c_flag BOOLEAN, c_day DATE, c_ts TIMESTAMP(6), c_tstz TIMESTAMPTZ, c_nothing VARCHAR(10))";
            case MARIADB -> "CREATE TABLE `Typed Things` (`Id` INT PRIMARY KEY, c_small SMALLINT, c_big BIGINT, c_dec DECIMAL(20,6), "
                    + "c_flt DOUBLE, c_txt LONGTEXT, c_bin LONGBLOB, c_flag BOOLEAN, c_day DATE, c_ts DATETIME(6), c_tstz TIMESTAMP(6) NULL, c_nothing VARCHAR(10))";
        };
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyCommonTypeQuotedNamesNullsUnicodeAndLargeValuesAreRecordedAsStored(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(typesDdl(backend));
            String q = backend == Backend.MARIADB ? "`" : "\"";
            String table = q + "Typed Things" + q;
            byte[] blob = new byte[300_000];
            new java.util.Random(7).nextBytes(blob);
            String text = "unicode ✓ 日本語 \uD83D\uDE00 ".repeat(20_000);
            try (Connection l = f.ledger(); PreparedStatement ps = l.prepareStatement("INSERT INTO " + table
                    + " (" + q + "Id" + q + ", c_small, c_big, c_dec, c_flt, c_txt, c_bin, c_flag, c_day, c_ts, c_tstz, c_nothing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setShort(2, (short) -7);
                ps.setLong(3, Long.MAX_VALUE);
                ps.setBigDecimal(4, new BigDecimal("12345678901234.500000"));
                ps.setDouble(5, -0.125);
                ps.setString(6, text);
                ps.setBytes(7, blob);
                ps.setBoolean(8, true);
                ps.setObject(9, java.time.LocalDate.of(1999, 12, 31));
                ps.setObject(10, java.time.LocalDateTime.of(2026, 11, 24, 23, 59, 58, 123456000));
                ps.setObject(11, backend == Backend.SQLITE || backend == Backend.MARIADB
                        ? java.time.LocalDateTime.of(2026, 1, 2, 3, 4, 5)
                        : java.time.OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, java.time.ZoneOffset.ofHours(2)));
                ps.setNull(12, java.sql.Types.VARCHAR);
                ps.executeUpdate();
                try (Statement s = l.createStatement()) {
                    s.executeUpdate("UPDATE " + table + " SET c_big = c_big - 1, c_txt = 'short', c_nothing = 'x' WHERE " + q + "Id" + q + " = 1");
                }
            }
            List<LedgerEntry> entries = f.entries();
            RowChange insert = (RowChange) entries.get(1).changes().get(0);
            RowChange update = (RowChange) entries.get(2).changes().get(0);
            assertThat(update.before()).isEqualTo(insert.after());
            try (Connection c = f.behind()) {
                assertThat(TableSnapshot.of(c, f.dialect(), "Typed Things")).containsExactly(update.after());
            }
            assertThat(insert.after().toString()).contains("9223372036854775807");
            assertThat(insert.after().get(insert.after().names().stream().filter(n -> n.equalsIgnoreCase("c_nothing")).findFirst().get()))
                    .isEqualTo(io.ledgerjdbc.ledger.entry.Value.NULL);
            assertThat(f.verify()).isEmpty();
            for (List<?> t : f.replayAndCompare("Typed Things")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void nonDeterministicFunctionsAreRecordedAsTheValuesStored(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE draws (id INT PRIMARY KEY, r DOUBLE PRECISION, at TIMESTAMP)");
            String random = switch (backend) {
                case SQLITE -> "abs(random() % 1000) / 1000.0";
                case POSTGRESQL, H2_FILE, H2_MEM -> "RANDOM()";
                case MARIADB -> "RAND()";
            };
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                s.executeUpdate("INSERT INTO draws (id, r, at) VALUES (1, " + random + ", CURRENT_TIMESTAMP)");
                s.executeUpdate("UPDATE draws SET r = " + random + " WHERE id = 1");
            }
            RowChange update = (RowChange) f.entries().get(2).changes().get(0);
            try (Connection c = f.behind()) {
                assertThat(TableSnapshot.of(c, f.dialect(), "draws")).containsExactly(update.after());
            }
            for (List<?> t : f.replayAndCompare("draws")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void writesWithSideEffectsCaptureCannotSeeAreRefused(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE parent (id INT PRIMARY KEY, v INT)",
                    "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT REFERENCES parent (id) ON DELETE CASCADE)",
                    "CREATE TABLE plain (id INT PRIMARY KEY, v INT)");
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                if (backend == Backend.SQLITE) s.execute("PRAGMA foreign_keys = ON");
                // a cascading foreign key is no longer a side effect: its actions are captured (ReferentialActionsSuiteTest)
                assertThat(s.executeUpdate("DELETE FROM parent WHERE id = 1")).isZero();
                s.executeUpdate("INSERT INTO plain (id, v) VALUES (1, 1)");
                if (backend == Backend.MARIADB || backend == Backend.H2_FILE || backend == Backend.H2_MEM) {
                    l.setAutoCommit(false);
                    s.executeUpdate("UPDATE plain SET v = 2 WHERE id = 1");
                    String implicitCommit = backend == Backend.MARIADB ? "LOCK TABLES plain WRITE" : "ANALYZE";
                    assertThatThrownBy(() -> s.execute(implicitCommit))
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
                    l.rollback();
                    l.setAutoCommit(true);
                }
            }
            assertThat(f.verify()).isEmpty();
            for (List<?> t : f.replayAndCompare("plain")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "MARIADB")
    void mariadbTinyintAndBitColumnsAreRecordedByValueNotAsBooleans(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE flags (id INT PRIMARY KEY, t TINYINT(1), b BIT(8))");
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                s.executeUpdate("INSERT INTO flags (id, t, b) VALUES (1, 1, b'00000001')");
                assertThat(s.executeUpdate("UPDATE flags SET t = 5, b = b'10000000' WHERE id = 1")).isEqualTo(1);
            }
            assertThat(f.entries()).hasSize(3);
            assertThat(f.entries().get(2).changes().get(0).toString()).contains("t=5");
            for (List<?> t : f.replayAndCompare("flags")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "POSTGRESQL")
    void postgresUuidKeysAreFoundAgainByCapture(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE tokens (id UUID PRIMARY KEY, v INT)");
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                s.executeUpdate("INSERT INTO tokens (id, v) VALUES ('6f1c2f4e-8a2b-4c1d-9e3f-0a1b2c3d4e5f', 1)");
                assertThat(s.executeUpdate("UPDATE tokens SET v = v + 1")).isEqualTo(1);
            }
            assertThat(f.entries()).hasSize(3);
            for (List<?> t : f.replayAndCompare("tokens")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "H2_MEM")
    void unnamedInMemoryH2DatabasesEachGetTheirOwnLedger(Backend backend) throws Exception {
        for (int i = 0; i < 2; i++) {
            try (Connection l = java.sql.DriverManager.getConnection("jdbc:ledger:h2:mem:", "sa", ""); Statement s = l.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                assertThat(s.executeUpdate("INSERT INTO t (id) VALUES (1)")).isEqualTo(1);
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ledger_entry")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(2);
                }
            }
        }
    }

    static List<String> upserts(Backend b) {
        return switch (b) {
            case POSTGRESQL -> List.of(
                    "INSERT INTO kv (k, v) VALUES (1, 'a'), (2, 'b') ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                    "INSERT INTO kv (k, v) VALUES (1, 'a2'), (3, 'c') ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                    "INSERT INTO kv (k, v) VALUES (2, 'ignored') ON CONFLICT DO NOTHING");
            case SQLITE -> List.of(
                    "INSERT INTO kv (k, v) VALUES (1, 'a'), (2, 'b') ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                    "INSERT OR REPLACE INTO kv (k, v) VALUES (1, 'a2'), (3, 'c')",
                    "INSERT OR IGNORE INTO kv (k, v) VALUES (2, 'ignored')");
            case MARIADB -> List.of(
                    "INSERT INTO kv (k, v) VALUES (1, 'a'), (2, 'b') ON DUPLICATE KEY UPDATE v = VALUES(v)",
                    "REPLACE INTO kv (k, v) VALUES (1, 'a2'), (3, 'c')",
                    "INSERT IGNORE INTO kv (k, v) VALUES (2, 'ignored')");
            case H2_FILE, H2_MEM -> List.of(
                    "MERGE INTO kv (k, v) KEY (k) VALUES (1, 'a'), (2, 'b')",
                    "MERGE INTO kv (k, v) VALUES (1, 'a2'), (3, 'c')",
                    "MERGE INTO kv (k, v) KEY (k) VALUES (2, 'b')");
        };
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theUpsertsOfEachBackendAreRecordedByTheKeysTheyName(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE kv (k INT PRIMARY KEY, v VARCHAR(20))", "CREATE TABLE uq (k INT PRIMARY KEY, v VARCHAR(20) UNIQUE)");
            Script script = (c, seen) -> {
                try (Statement s = c.createStatement()) {
                    for (String sql : upserts(backend)) {
                        seen.add("count " + s.executeUpdate(sql));
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(upserts(backend).get(0).replace("(1, 'a'), (2, 'b')", "(?, ?)"))) {
                    ps.setInt(1, 4);
                    ps.setString(2, "d");
                    seen.add("count " + ps.executeUpdate());
                }
                query(c, "SELECT k, v FROM kv ORDER BY k", seen);
            };
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = observe(l, script);
                viaRaw = observe(r, script);
                String onUnique = upserts(backend).get(0).replace("kv", "uq");
                assertThatThrownBy(() -> l.createStatement().executeUpdate(onUnique))
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"))
                        .hasMessageContaining("unique constraints besides");
            }
            assertThat(viaLedger).isEqualTo(viaRaw);
            assertThat(viaLedger).contains("1|a2", "2|b", "3|c", "4|d");
            assertThat(f.verify()).isEmpty();
            for (List<?> t : f.replayAndCompare("kv")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void concurrentUpdatesOfSharedRowsNeitherDeadlockNorLoseChanges(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE counters (id INT PRIMARY KEY, n INT)");
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                s.executeUpdate("INSERT INTO counters (id, n) VALUES (1, 0), (2, 0)");
            }
            int threads = 4;
            int perThread = 20;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        try (Connection l = f.ledger();
                             PreparedStatement ps = l.prepareStatement("UPDATE counters SET n = n + 1 WHERE id = ?")) {
                            for (int i = 0; i < perThread; i++) {
                                ps.setInt(1, 1 + i % 2);
                                retryOnBusyOrConflict(ps);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> d : done) d.get();
            } finally {
                pool.shutdownNow();
            }
            try (Connection c = f.behind()) {
                assertThat(TableSnapshot.of(c, f.dialect(), "counters").toString()).containsIgnoringCase("n=40").doesNotContain("n=39");
            }
            assertThat(f.entries()).hasSize(2 + threads * perThread);
            assertThat(f.verify()).isEmpty();
            for (List<?> t : f.replayAndCompare("counters")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }

    /** A serialization failure (40001) or a deadlock victim (40P01, MariaDB 1213) is retried, as an application would. */
    private static void retryOnBusyOrConflict(PreparedStatement ps) throws SQLException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                ps.executeUpdate();
                return;
            } catch (SQLException e) {
                boolean retry = "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState()) || e.getErrorCode() == 1213
                        || (e.getMessage() != null && e.getMessage().contains("SQLITE_BUSY"));
                if (!retry || attempt > 200) throw e;
                Thread.sleep(2);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aColumnAddedBehindTheDriverIsRecordedNotLeftOut(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE shaped (id INT PRIMARY KEY, v INT)");
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                s.executeUpdate("INSERT INTO shaped (id, v) VALUES (1, 1)"); // the driver now knows two columns
                try (Connection other = f.behind(); Statement o = other.createStatement()) {
                    o.execute("ALTER TABLE shaped ADD COLUMN extra INT DEFAULT 7");
                }
                assertThat(s.executeUpdate("UPDATE shaped SET v = 2 WHERE id = 1")).isEqualTo(1);
                assertThat(s.executeUpdate("INSERT INTO shaped (id, v) VALUES (2, 2)")).isEqualTo(1);
            }
            List<LedgerEntry> entries = f.entries();
            assertThat(((RowChange) entries.get(2).changes().get(0)).after().toString()).containsIgnoringCase("extra=7");
            assertThat(((RowChange) entries.get(3).changes().get(0)).after().toString()).containsIgnoringCase("extra=7");
            io.ledgerjdbc.driver.verify.StateCheck state = new io.ledgerjdbc.driver.verify.StateCheck();
            entries.forEach(state::visit);
            List<io.ledgerjdbc.ledger.verify.Finding> findings = new ArrayList<>();
            try (Connection c = f.behind()) {
                state.compare(c, f.dialect(), findings::add);
            }
            assertThat(findings).isEmpty(); // both rows' last images hold the new column as stored
        }
    }

    /** The same prepared statements, run before and after: what capture worked out for them the first time is not reused stale. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void preparedWritesRunAgainAfterAColumnWasAddedBehindTheDriverRecordTheNewColumn(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE reshaped (id INT PRIMARY KEY, v INT)");
            try (Connection l = f.ledger();
                 PreparedStatement ins = l.prepareStatement("INSERT INTO reshaped (id, v) VALUES (?, ?)");
                 PreparedStatement up = l.prepareStatement("UPDATE reshaped SET v = v + 1 WHERE id = ?")) {
                ins.setInt(1, 1);
                ins.setInt(2, 1);
                assertThat(ins.executeUpdate()).isEqualTo(1);
                up.setInt(1, 1);
                assertThat(up.executeUpdate()).isEqualTo(1);
                try (Connection other = f.behind(); Statement o = other.createStatement()) {
                    o.execute("ALTER TABLE reshaped ADD COLUMN extra INT DEFAULT 7");
                }
                assertThat(up.executeUpdate()).isEqualTo(1);
                ins.setInt(1, 2);
                ins.setInt(2, 2);
                assertThat(ins.executeUpdate()).isEqualTo(1);
            }
            List<LedgerEntry> entries = f.entries();
            assertThat(entries).hasSize(5);
            assertThat(((RowChange) entries.get(2).changes().get(0)).after().toString()).doesNotContainIgnoringCase("extra");
            assertThat(((RowChange) entries.get(3).changes().get(0)).after().toString()).containsIgnoringCase("extra=7");
            assertThat(((RowChange) entries.get(4).changes().get(0)).after().toString()).containsIgnoringCase("extra=7");
            assertReplaysToTheTables(f, entries);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTableThatExistedBeforeTheLedgerIsAdoptedWithItsRowsOnFirstWrite(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            try (Connection raw = f.behind(); Statement s = raw.createStatement()) {
                s.execute("CREATE TABLE legacy (id INT PRIMARY KEY, v VARCHAR(10))");
                s.executeUpdate("INSERT INTO legacy (id, v) VALUES (1, 'old'), (2, 'older')");
            }
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                s.executeUpdate("UPDATE legacy SET v = 'new' WHERE id = 1");
                s.executeUpdate("INSERT INTO legacy (id, v) VALUES (3, 'newest')");
            }
            List<LedgerEntry> entries = f.entries();
            assertThat(entries).hasSize(2);
            assertThat(entries.get(0).changes()).extracting(ch -> ((RowChange) ch).op())
                    .containsExactly(Operation.INSERT, Operation.INSERT, Operation.UPDATE);
            assertReplaysToTheTables(f, entries);
        }
    }

    /** A transaction that adopted a table and rolled back leaves it to be adopted by the next write, with its rows. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void anAdoptionRolledBackIsDoneAgainByTheNextWrite(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            try (Connection raw = f.behind(); Statement s = raw.createStatement()) {
                s.execute("CREATE TABLE legacy (id INT PRIMARY KEY, v VARCHAR(10))");
                s.executeUpdate("INSERT INTO legacy (id, v) VALUES (1, 'old'), (2, 'older')");
            }
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                l.setAutoCommit(false);
                s.executeUpdate("INSERT INTO legacy (id, v) VALUES (3, 'gone')"); // adopts the table
                s.executeUpdate("INSERT INTO legacy (id, v) VALUES (4, 'gone')"); // sees its own, uncommitted mark
                l.rollback();
                l.setAutoCommit(true);
                s.executeUpdate("UPDATE legacy SET v = 'new' WHERE id = 1");
            }
            List<LedgerEntry> entries = f.entries();
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).changes()).extracting(ch -> ((RowChange) ch).op())
                    .containsExactly(Operation.INSERT, Operation.INSERT, Operation.UPDATE);
            assertReplaysToTheTables(f, entries);
        }
    }

    /** Replaying {@code entries} gives exactly the tables as they are. */
    private static void assertReplaysToTheTables(Fixture f, List<LedgerEntry> entries) throws Exception {
        io.ledgerjdbc.driver.verify.StateCheck state = new io.ledgerjdbc.driver.verify.StateCheck();
        entries.forEach(state::visit);
        List<io.ledgerjdbc.ledger.verify.Finding> findings = new ArrayList<>();
        try (Connection c = f.behind()) {
            state.compare(c, f.dialect(), findings::add);
        }
        assertThat(findings).isEmpty();
    }
}
