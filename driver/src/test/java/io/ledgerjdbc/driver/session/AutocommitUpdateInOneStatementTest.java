package io.ledgerjdbc.driver.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.cli.LedgerCli;
import io.ledgerjdbc.driver.database.Sealer;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.Backend;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL: an autocommit UPDATE runs as one statement of the driver's own that locks its rows, changes them and
 * returns their before- and after-images (Backend#updateWithImages). The application must see exactly what the raw
 * driver shows for its UPDATE, and the ledger exactly the versions the UPDATE changed.
 */
class AutocommitUpdateInOneStatementTest {

    private static final String CREATE = "CREATE TABLE acct (id BIGINT PRIMARY KEY, name VARCHAR(20), n INT CHECK (n < 100))";
    private static final String FILL = "INSERT INTO acct VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 2), (4, 'd', 4)";

    private static Connection ledger(Backend.Db db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", Backend.PG_USER);
        p.setProperty("password", "");
        p.setProperty("ledger.seal", "wait");
        return DriverManager.getConnection(db.url.replace("jdbc:", "jdbc:ledger:"), p);
    }

    /** Every way of running UPDATEs, their errors included, and what the statement answers after each. */
    private static List<String> runAll(Connection c) throws SQLException {
        List<String> seen = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("UPDATE acct a SET n = a.n + ?, name = ? WHERE a.id = ?")) {
            ps.setInt(1, 10);
            ps.setString(2, "x");
            ps.setLong(3, 1);
            seen.add("executeUpdate " + ps.executeUpdate() + " count " + ps.getUpdateCount());
            try (ResultSet keys = ps.getGeneratedKeys()) {
                seen.add("keys " + keys.getMetaData().getColumnCount() + " " + keys.next());
            }
            ps.setLong(3, 2);
            seen.add("executeLargeUpdate " + ps.executeLargeUpdate());
            ps.setLong(3, 99);
            boolean rs = ps.execute();
            seen.add("execute nothing " + rs + " resultSet " + ps.getResultSet() + " count " + ps.getUpdateCount()
                    + " large " + ps.getLargeUpdateCount() + " more " + ps.getMoreResults() + " count " + ps.getUpdateCount());
            ps.setInt(1, 96);
            ps.setLong(3, 4);
            seen.add("check violated: " + error(ps));
            ps.setInt(1, 1);
            seen.add("after the error " + ps.executeUpdate());
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE acct SET n = n + 1 WHERE n > ?")) {
            ps.setInt(1, 10);
            seen.add("two rows " + ps.executeUpdate());
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE acct SET id = id + 100, name = 'moved' WHERE id = ?")) {
            ps.setLong(1, 3);
            seen.add("key changed " + ps.executeUpdate());
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE acct SET id = ? WHERE id = ?")) {
            ps.setLong(1, 1);
            ps.setLong(2, 103);
            seen.add("key taken: " + error(ps));
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE acct SET n = 5 WHERE name = ? AND n = 'zz'")) {
            ps.setString(1, "a");
            seen.add("error with a position: " + error(ps));
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE acct SET n = n + ? WHERE id = ?")) {
            ps.setInt(1, 1);
            ps.setLong(2, 1);
            ps.addBatch();
            ps.setLong(2, 99);
            ps.addBatch();
            seen.add("batch " + java.util.Arrays.toString(ps.executeBatch()) + " count " + ps.getUpdateCount());
            try (ResultSet keys = ps.getGeneratedKeys()) {
                seen.add("batch keys " + keys.getMetaData().getColumnCount() + " " + keys.next());
            }
            try {
                seen.add("query string accepted " + ps.executeUpdate("UPDATE acct SET n = 0"));
            } catch (SQLException e) {
                seen.add("query string " + e.getSQLState() + " " + e.getMessage());
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE acct SET n = 7")) {
            seen.add("every row " + ps.executeUpdate());
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, name, n FROM acct ORDER BY id")) {
            while (rs.next()) {
                seen.add("row " + rs.getLong(1) + " " + rs.getString(2) + " " + rs.getInt(3));
            }
        }
        return seen;
    }

    /**
     * The error's SQLState, vendor code and message. Not its position: an error in the WHERE comes from the driver's
     * read of the rows, whose text places the WHERE elsewhere (as it did before the UPDATE became one statement).
     */
    private static String error(PreparedStatement ps) {
        try {
            return "accepted " + ps.executeUpdate();
        } catch (SQLException e) {
            return e.getSQLState() + " " + e.getErrorCode() + " " + e.getMessage().replaceAll("\\n  Position: \\d+", "");
        }
    }

    /** What an application sees of a run of statements (see {@link #sameAsRaw}). */
    @FunctionalInterface
    private interface Workload {
        List<String> run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code w} on a fresh database through the raw driver, and on {@code db} through the ledger, each after
     * {@link #CREATE} and {@link #FILL}; asserts the application saw the same both times, and returns it.
     */
    private static List<String> sameAsRaw(Backend.Db db, Workload w) throws Exception {
        List<String> raw;
        try (Backend.Db rawDb = Backend.POSTGRESQL.open(); Connection c = rawDb.connect()) {
            fill(c);
            raw = w.run(c);
        }
        try (Connection c = ledger(db)) {
            fill(c);
            assertThat(w.run(c)).isEqualTo(raw);
        }
        return raw;
    }

    private static void fill(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(CREATE);
            s.execute(FILL);
        }
    }

    private static List<LedgerEntry> entries(Connection raw) throws SQLException {
        List<LedgerEntry> entries = new ArrayList<>();
        LedgerStore.of(raw).scan(raw, 1, e -> entries.add(EntryCodec.decode(e.entry())));
        return entries;
    }

    private static void assertVerifies(Backend.Db db) {
        StringWriter out = new StringWriter();
        int exit = LedgerCli.run(new String[] {"verify", db.url, "--user", Backend.PG_USER}, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true));
        assertThat(exit).as(out.toString()).isEqualTo(LedgerCli.CLEAN);
    }

    @Test
    void theApplicationSeesWhatTheRawDriverShowsAndTheLedgerRecordsEachChangedRow() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open()) {
            List<String> raw = sameAsRaw(db, AutocommitUpdateInOneStatementTest::runAll);
            assertThat(raw).contains("two rows 2", "key changed 1", "every row 4");
            try (Connection c = db.connect()) {
                Sealer.sealAll(c);
                List<LedgerEntry> entries = entries(c);
                assertThat(entries).as("CREATE, INSERT, 2 + 1 single-row UPDATEs, two rows, key change, the batch, every row").hasSize(9);
                RowChange first = (RowChange) entries.get(2).changes().get(0);
                assertThat(first.before().get("n")).isEqualTo(Value.of(1L));
                assertThat(first.after().get("n")).isEqualTo(Value.of(11L));
                assertThat(first.after().get("name")).isEqualTo(Value.of("x"));
                assertThat(entries.get(5).changes()).as("the two rows n > 10").hasSize(2);
                RowChange moved = (RowChange) entries.get(6).changes().get(0);
                assertThat(moved.before().get("id")).isEqualTo(Value.of(3L));
                assertThat(moved.after().get("id")).isEqualTo(Value.of(103L));
                assertThat(entries.get(7).changes()).as("the batch: one entry, one row changed").hasSize(1);
                assertThat(entries.get(8).changes()).as("every row whose image changed").hasSize(4);
            }
            assertVerifies(db);
        }
    }

    /**
     * Another transaction changes a row's key between the UPDATE's snapshot and its lock: the one statement misses
     * that row, which the raw UPDATE would change. The driver sees it (fewer rows changed than locked), rolls the
     * statement's own transaction back and runs it again, which changes the row as raw does.
     */
    @Test
    void aKeyChangedBetweenSnapshotAndLockIsUpdatedAsRawDoes() throws Exception {
        RowChange last = updateWhileAnotherHoldsTheRow("UPDATE acct SET id = 50 WHERE id = 2", "UPDATE acct SET n = n + 1 WHERE name = ?", "b",
                "SELECT n FROM acct WHERE id = 50", 3);
        assertThat(last.before().get("id")).isEqualTo(Value.of(50L));
        assertThat(last.before().get("n")).isEqualTo(Value.of(2L));
        assertThat(last.after().get("n")).isEqualTo(Value.of(3L));
    }

    /** A row another transaction changed while the UPDATE waited for it: its before-image is that transaction's version. */
    @Test
    void theBeforeImageIsTheVersionTheUpdateWaitedFor() throws Exception {
        RowChange last = updateWhileAnotherHoldsTheRow("UPDATE acct SET n = 40 WHERE id = 1", "UPDATE acct SET n = n + 1 WHERE id = ?", 1L,
                "SELECT n FROM acct WHERE id = 1", 41);
        assertThat(last.before().get("n")).isEqualTo(Value.of(40L));
        assertThat(last.after().get("n")).isEqualTo(Value.of(41L));
    }

    /**
     * Runs {@code update} (one parameter, changing one row) through the ledger while another transaction holds that
     * row after {@code held}; lets the other commit once the UPDATE waits, checks the row ({@code check}, one int) is
     * {@code expected}, and returns the UPDATE's recorded change.
     */
    private static RowChange updateWhileAnotherHoldsTheRow(String held, String update, Object param, String check, int expected)
            throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open(); Connection c = ledger(db); Connection other = db.connect()) {
            fill(c);
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.executeUpdate(held);
            }
            CompletableFuture<Integer> updated = CompletableFuture.supplyAsync(() -> {
                try (PreparedStatement ps = c.prepareStatement(update)) {
                    ps.setObject(1, param);
                    return ps.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitLockWait(other);
            other.commit();
            assertThat(updated.get(30, TimeUnit.SECONDS)).as("one row, as raw").isEqualTo(1);
            try (Statement s = other.createStatement(); ResultSet rs = s.executeQuery(check)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(expected);
            }
            return lastChange(other);
        }
    }

    /**
     * Columns added and dropped behind the driver after it knew the table: the UPDATE still runs as raw, and its entry
     * holds the rows as they are now (verify names the other rows, whose DDL the ledger never saw).
     */
    @Test
    void columnsAddedOrDroppedBehindTheDriverAreRecordedAsTheyAre() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open(); Connection c = ledger(db); Connection raw = db.connect()) {
            fill(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE acct SET n = n + 1 WHERE id = ?")) {
                for (int i = 0; i < 6; i++) { // past pgjdbc's prepareThreshold: the driver's statement is prepared on the server
                    ps.setLong(1, 1);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                try (Statement r = raw.createStatement()) {
                    r.execute("ALTER TABLE acct ADD COLUMN extra INT DEFAULT 5");
                }
                ps.setLong(1, 2);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                RowChange added = lastChange(raw);
                assertThat(added.before().get("extra")).isEqualTo(Value.of(5L));
                assertThat(added.after().get("n")).isEqualTo(Value.of(3L));
                try (Statement r = raw.createStatement()) {
                    r.execute("ALTER TABLE acct DROP COLUMN name");
                }
                ps.setLong(1, 2);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                RowChange dropped = lastChange(raw);
                assertThat(dropped.after().names()).doesNotContain("name");
                assertThat(dropped.after().get("n")).isEqualTo(Value.of(4L));
            }
        }
    }

    /**
     * In the application's transaction: UPDATEs, a failed one and a savepoint behave as raw, and the commit records
     * what the transaction changed, each row's before-image the version it changed.
     */
    @Test
    void inATransactionTheUpdatesBehaveAsRawAndCommitAsOneEntry() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open()) {
            List<String> raw = sameAsRaw(db, AutocommitUpdateInOneStatementTest::inTransactions);
            assertThat(raw).contains("failed transaction 23514", "commit after the failure");
            try (Connection c = db.connect()) {
                List<LedgerEntry> entries = entries(c);
                assertThat(entries).as("CREATE, INSERT, the first transaction; the failed one recorded nothing").hasSize(3);
                List<io.ledgerjdbc.ledger.entry.Change> changes = entries.get(2).changes();
                assertThat(changes).as("id 1 twice, id 2 once; the UPDATE rolled back to the savepoint is not there").hasSize(3);
                RowChange second = (RowChange) changes.get(1);
                assertThat(second.before().get("n")).isEqualTo(Value.of(2L));
                assertThat(second.after().get("n")).isEqualTo(Value.of(3L));
            }
            assertVerifies(db);
        }
    }

    private static List<String> inTransactions(Connection c) throws SQLException {
        List<String> seen = new ArrayList<>();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("UPDATE acct SET n = n + ? WHERE id = ?")) {
            ps.setInt(1, 1);
            ps.setLong(2, 1);
            seen.add("first " + ps.executeUpdate());
            ps.setLong(2, 1);
            seen.add("again " + ps.executeUpdate());
            java.sql.Savepoint sp = c.setSavepoint();
            ps.setLong(2, 4);
            seen.add("before the savepoint's rollback " + ps.executeUpdate());
            c.rollback(sp);
            ps.setLong(2, 99);
            seen.add("none " + ps.executeUpdate());
            ps.setLong(2, 2);
            seen.add("other " + ps.executeUpdate());
            c.commit();
            ps.setLong(2, 3);
            seen.add("in the failing transaction " + ps.executeUpdate());
            ps.setInt(1, 500);
            try {
                ps.executeUpdate();
                seen.add("check accepted");
            } catch (SQLException e) {
                seen.add("failed transaction " + e.getSQLState());
            }
            c.commit();
            seen.add("commit after the failure");
        }
        c.setAutoCommit(true);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, n FROM acct ORDER BY id")) {
            while (rs.next()) {
                seen.add("row " + rs.getLong(1) + " " + rs.getInt(2));
            }
        }
        return seen;
    }

    /**
     * A column added behind the driver, seen by an UPDATE in the application's transaction (its statement, prepared on
     * the server, no longer fits the table): 40001, the transaction rolls back; the next one records the column.
     */
    @Test
    void aColumnAddedBehindTheDriverFailsOnlyTheTransactionThatSawIt() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open(); Connection c = ledger(db); Connection raw = db.connect()) {
            fill(c);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE acct SET n = n + 1 WHERE id = ?")) {
                for (int i = 0; i < 6; i++) { // past pgjdbc's prepareThreshold: the driver's statement is prepared on the server
                    ps.setLong(1, 1);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    c.commit();
                }
                try (Statement r = raw.createStatement()) {
                    r.execute("ALTER TABLE acct ADD COLUMN extra INT DEFAULT 5");
                }
                ps.setLong(1, 1);
                assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("40001");
                c.rollback(); // as an application does after 40001
                ps.setLong(1, 1);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                c.commit();
            }
            RowChange last = lastChange(raw);
            assertThat(last.before().get("n")).as("the failed transaction changed nothing").isEqualTo(Value.of(7L));
            assertThat(last.after().get("extra")).isEqualTo(Value.of(5L));
        }
    }

    private static RowChange lastChange(Connection raw) throws SQLException {
        List<LedgerEntry> entries = entries(raw);
        return (RowChange) entries.get(entries.size() - 1).changes().get(0);
    }

    /** Waits until another session waits for a lock {@code holder} holds; checks it waits in the one statement. */
    private static void awaitLockWait(Connection holder) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (Connection watch = DriverManager.getConnection(holder.getMetaData().getURL(), Backend.PG_USER, "")) {
            while (System.nanoTime() < deadline) {
                try (Statement s = watch.createStatement();
                     ResultSet rs = s.executeQuery("SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                             + " AND datname = current_database()")) {
                    if (rs.next()) {
                        assertThat(rs.getString(1)).as("the UPDATE waits in its one statement").startsWith("WITH ledgerjdbc_before AS (");
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("nobody waited for the lock");
    }
}
