package io.ledgerjdbc.driver.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PostgreSQL and MariaDB: a prepared batch of INSERTs that give their keys goes to the database as the raw driver's
 * own batch (one round trip), each item captured as alone; its rows are read back at commit. What the application
 * sees — counts, the failure and its exception — is the raw driver's, and the ledger records exactly what committed.
 */
class InsertBatchAsOneTest {

    private static final String CREATE = "CREATE TABLE ol (w INT NOT NULL, o INT NOT NULL, n INT NOT NULL, amount DECIMAL(6,2),"
            + " info VARCHAR(20), PRIMARY KEY (w, o, n))";
    private static final String INSERT = "INSERT INTO ol (w, o, n, amount, info) VALUES (?, ?, ?, ?, ?)";

    private static Connection ledger(Backend.Db db) throws SQLException {
        return ledger(db, "");
    }

    /** {@code urlOptions} are appended to the URL (PostgreSQL's start with {@code &}). */
    private static Connection ledger(Backend.Db db, String urlOptions) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", db.backend == Backend.POSTGRESQL ? Backend.PG_USER : Backend.MARIADB_USER);
        p.setProperty("password", "");
        return DriverManager.getConnection(db.url.replace("jdbc:", "jdbc:ledger:") + urlOptions, p);
    }

    private static void add(PreparedStatement ps, int o, int n) throws SQLException {
        ps.setInt(1, 1);
        ps.setInt(2, o);
        ps.setInt(3, n);
        ps.setBigDecimal(4, BigDecimal.valueOf(o * 100L + n, 2));
        ps.setString(5, "line " + n);
        ps.addBatch();
    }

    private static List<RowChange> inserts(Backend.Db db) throws SQLException {
        return inserts(db, "ol");
    }

    /** The row changes of {@code table} the ledger holds, in its order, once every entry is sealed. */
    private static List<RowChange> inserts(Backend.Db db, String table) throws SQLException {
        List<RowChange> rows = new ArrayList<>();
        try (Connection c = db.connect()) {
            Sealer.sealAll(c);
            LedgerStore.of(c).scan(c, 1, e -> EntryCodec.decode(e.entry()).changes().stream()
                    .filter(ch -> ch instanceof RowChange rc && rc.table().equalsIgnoreCase(table)).forEach(ch -> rows.add((RowChange) ch)));
        }
        return rows;
    }

    private static void assertVerifies(Backend.Db db) {
        StringWriter out = new StringWriter();
        String user = db.backend == Backend.POSTGRESQL ? Backend.PG_USER : Backend.MARIADB_USER;
        int exit = LedgerCli.run(new String[] {"verify", db.url, "--user", user}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertThat(exit).as(out.toString()).isEqualTo(LedgerCli.CLEAN);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void aTransactionsBatchOfInsertsCommitsEveryRowWithItsImageInOneEntry(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Backend.Db rawDb = backend.open()) {
            int[] rawCounts;
            try (Connection r = rawDb.connect(); Statement s = r.createStatement()) {
                s.execute(CREATE);
                r.setAutoCommit(false);
                try (PreparedStatement ps = r.prepareStatement(INSERT)) {
                    for (int i = 0; i < 150; i++) add(ps, 10 + i / 10, 1 + i % 10);
                    rawCounts = ps.executeBatch();
                }
                r.commit();
            }
            List<LedgerEntry> before = new ArrayList<>();
            try (Connection c = ledger(db); Statement s = c.createStatement()) {
                s.execute(CREATE);
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    for (int i = 0; i < 150; i++) add(ps, 10 + i / 10, 1 + i % 10);
                    assertThat(ps.executeBatch()).isEqualTo(rawCounts);
                }
                c.commit();
            }
            List<RowChange> rows = inserts(db);
            assertThat(rows).hasSize(150);
            for (int i = 0; i < 150; i++) {
                RowChange rc = rows.get(i);
                assertThat(rc.after().get("o")).isEqualTo(Value.of((long) (10 + i / 10)));
                assertThat(rc.after().get("n")).isEqualTo(Value.of((long) (1 + i % 10)));
                assertThat(rc.after().get("info")).isEqualTo(Value.of("line " + (1 + i % 10)));
            }
            assertVerifies(db);
        }
    }

    /** What an application sees of a batch failing on a duplicate key inside a transaction, and what then commits. */
    private static List<String> failingBatch(Connection c) throws SQLException {
        List<String> seen = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.execute(CREATE);
            s.execute("INSERT INTO ol (w, o, n, amount, info) VALUES (1, 1, 3, 0, 'there')");
        }
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (int n = 1; n <= 5; n++) add(ps, 1, n);
            ps.executeBatch();
            fail("the duplicate key was accepted");
        } catch (BatchUpdateException e) {
            seen.add(e.getSQLState() + " " + e.getErrorCode() + " " + Arrays.toString(e.getUpdateCounts()) + " "
                    + e.getMessage().replaceAll("\\(conn=\\d+\\) ", "")); // MariaDB names its connection
            SQLException next = e.getNextException();
            seen.add(next == null ? "no next" : next.getSQLState() + " " + next.getErrorCode());
        }
        c.rollback();
        c.setAutoCommit(true);
        return seen;
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void aFailingBatchThrowsTheRawDriversExceptionAndLeavesNoEntry(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Backend.Db rawDb = backend.open()) {
            List<String> raw;
            try (Connection r = rawDb.connect()) {
                raw = failingBatch(r);
            }
            try (Connection c = ledger(db)) {
                assertThat(failingBatch(c)).isEqualTo(raw);
            }
            assertThat(inserts(db)).as("only the row committed before the batch").hasSize(1);
            assertVerifies(db);
        }
    }

    /**
     * pgjdbc with {@code autosave=always} undoes a failed batch to its own savepoint and keeps the transaction: the
     * application inserts the rows one by one instead and commits. The ledger records those, not the batch's.
     */
    @org.junit.jupiter.api.Test
    void afterABatchPgjdbcUndidTheTransactionCommitsOnlyWhatRanAfterIt() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open()) {
            try (Connection c = ledger(db, "&autosave=always");
                 Statement s = c.createStatement()) {
                s.execute(CREATE);
                s.execute("INSERT INTO ol (w, o, n, amount, info) VALUES (1, 1, 3, 0, 'there')");
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    for (int n = 1; n <= 5; n++) add(ps, 1, n);
                    ps.executeBatch();
                    fail("the duplicate key was accepted");
                } catch (BatchUpdateException expected) {
                    // the rows one by one, but the one already there
                }
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    for (int n : new int[] {1, 2, 4, 5}) {
                        ps.setInt(1, 1);
                        ps.setInt(2, 1);
                        ps.setInt(3, n);
                        ps.setBigDecimal(4, BigDecimal.ONE);
                        ps.setString(5, "again " + n);
                        assertThat(ps.executeUpdate()).isEqualTo(1);
                    }
                }
                c.commit();
            }
            List<String> recorded = inserts(db).stream().map(rc -> rc.after().get("n") + " " + rc.after().get("info")).toList();
            assertThat(recorded).containsExactly("3 'there'", "1 'again 1'", "2 'again 2'", "4 'again 4'", "5 'again 5'");
            assertVerifies(db);
        }
    }

    /**
     * PostgreSQL reads many composite keys back as {@code (k1, k2) IN (VALUES …)} where the key's types compare alike
     * there (integers, text: also bound as untyped strings, {@code stringtype=unspecified}), and as an OR of key
     * conditions otherwise ({@code uuid}, {@code char(n)}): each kind of key finds its rows, for INSERTs read back at
     * commit and for a multi-row UPDATE.
     */
    @org.junit.jupiter.api.Test
    void compositeKeysOfEveryKindAreReadBack() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open()) {
            try (Connection c = ledger(db, "&stringtype=unspecified");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE ck (name TEXT, n BIGINT, v INT, PRIMARY KEY (name, n))");
                s.execute("CREATE TABLE cu (id UUID, code CHAR(3), v INT, PRIMARY KEY (id, code))");
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO ck (name, n, v) VALUES (?, ?, ?)")) {
                    for (int i = 0; i < 40; i++) {
                        ps.setString(1, "name " + i);
                        if (i % 2 == 0) ps.setLong(2, i); else ps.setInt(2, i);
                        ps.setString(3, Integer.toString(i)); // an untyped string for an integer column
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO cu (id, code, v) VALUES (?, ?, ?)")) {
                    for (int i = 0; i < 6; i++) {
                        ps.setObject(1, new java.util.UUID(7, i));
                        ps.setString(2, "c" + (i % 2));
                        ps.setInt(3, i);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
                assertThat(s.executeUpdate("UPDATE ck SET v = v + 100 WHERE n < 10")).isEqualTo(10);
                assertThat(s.executeUpdate("UPDATE cu SET v = v + 100 WHERE v < 4")).isEqualTo(4);
                c.commit();
            }
            List<RowChange> rows = inserts(db, "ck");
            assertThat(rows).hasSize(50);
            for (int i = 0; i < 40; i++) {
                assertThat(rows.get(i).after().get("name")).isEqualTo(Value.of("name " + i));
                assertThat(rows.get(i).after().get("v")).isEqualTo(Value.of((long) i));
            }
            assertThat(rows.subList(40, 50)).allSatisfy(rc -> assertThat(rc.before()).isNotNull());
            assertThat(inserts(db, "cu")).hasSize(10);
            assertVerifies(db);
        }
    }
}
