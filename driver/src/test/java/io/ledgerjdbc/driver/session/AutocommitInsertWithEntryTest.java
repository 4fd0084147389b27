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
import io.ledgerjdbc.ledger.store.PendingEntries;
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
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL: an autocommit INSERT whose rows are known from its bound values travels with its pending ledger entry
 * and COMMIT in one round trip, on a statement of the driver's own. The application must see exactly what the raw
 * driver shows for its INSERT alone, and the ledger exactly what committed.
 */
class AutocommitInsertWithEntryTest {

    private static final String CREATE = "CREATE TABLE acct (id BIGINT PRIMARY KEY, name VARCHAR(20), n INT) -- the table";
    private static final String INSERT = "INSERT INTO acct (id, name, n) VALUES (?, ?, ?) -- a trailing comment";

    private static Connection ledger(Backend.Db db, String seal) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", Backend.PG_USER);
        p.setProperty("password", "");
        p.setProperty("ledger.seal", seal);
        return DriverManager.getConnection(db.url.replace("jdbc:", "jdbc:ledger:"), p);
    }

    /** Every way of running the INSERT, and what the statement's result getters answer after it. */
    private static List<String> runAll(Connection c, long firstId) throws SQLException {
        List<String> seen = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            bind(ps, firstId);
            seen.add("executeUpdate " + ps.executeUpdate() + " count " + ps.getUpdateCount());
            bind(ps, firstId + 1);
            seen.add("executeLargeUpdate " + ps.executeLargeUpdate());
            bind(ps, firstId + 2);
            boolean rs = ps.execute();
            seen.add("execute " + rs + " resultSet " + ps.getResultSet() + " count " + ps.getUpdateCount()
                    + " large " + ps.getLargeUpdateCount() + " more " + ps.getMoreResults() + " count " + ps.getUpdateCount());
            bind(ps, firstId);
            try {
                ps.executeUpdate();
                seen.add("duplicate accepted");
            } catch (SQLException e) {
                seen.add("duplicate " + e.getSQLState() + " " + e.getErrorCode() + " " + e.getMessage());
            }
            bind(ps, firstId + 3);
            seen.add("after the error " + ps.executeUpdate());
        }
        return seen;
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement r = c.createStatement(); ResultSet rs = r.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void bind(PreparedStatement ps, long id) throws SQLException {
        ps.setLong(1, id);
        ps.setString(2, "n" + id);
        ps.setInt(3, 7);
    }

    @Test
    void theApplicationSeesWhatTheRawDriverShowsAndTheLedgerRecordsEachCommittedInsert() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open(); Backend.Db rawDb = Backend.POSTGRESQL.open()) {
            List<String> raw;
            try (Connection c = rawDb.connect(); Statement s = c.createStatement()) {
                s.execute(CREATE);
                raw = runAll(c, 1);
            }
            List<String> ledger;
            try (Connection c = ledger(db, "async"); Statement s = c.createStatement()) {
                s.execute(CREATE);
                ledger = runAll(c, 1);
            }
            assertThat(ledger).isEqualTo(raw);
            try (Connection c = db.connect()) {
                Sealer.sealAll(c);
                assertThat(PendingEntries.count(c)).isZero();
                List<LedgerEntry> entries = new ArrayList<>();
                LedgerStore.of(c).scan(c, 1, e -> entries.add(EntryCodec.decode(e.entry())));
                assertThat(entries).as("the CREATE and the four committed INSERTs, not the duplicate").hasSize(5);
                RowChange first = (RowChange) entries.get(1).changes().get(0);
                assertThat(first.after().get("name")).isEqualTo(Value.of("n1"));
                assertThat(first.after().get("n")).isEqualTo(Value.of(7L));
            }
            assertVerifies(db);
        }
    }

    /** ledger.seal=wait: the INSERT returns once its entry is sealed, as any other commit does. */
    @Test
    void withSealWaitTheInsertReturnsOnceItsEntryIsSealed() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open();
             Connection c = ledger(db, "wait");
             Statement s = c.createStatement();
             Connection raw = db.connect()) {
            s.execute(CREATE);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (long id = 1; id <= 5; id++) {
                    bind(ps, id);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    assertThat(scalar(raw, "SELECT COUNT(*) FROM ledger_entry")).isEqualTo(1 + id);
                }
            }
        }
    }

    /** A rule can turn an INSERT into other writes, which capture would not see: the table is refused, as one with a trigger. */
    @Test
    void anInsertIntoATableWithARuleIsRefused() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open()) {
            try (Connection raw = db.connect(); Statement s = raw.createStatement()) {
                s.execute("CREATE TABLE acct (id BIGINT PRIMARY KEY, name VARCHAR(20), n INT)");
                s.execute("CREATE TABLE quiet (id BIGINT)");
                s.execute("CREATE RULE hush AS ON INSERT TO acct DO INSTEAD INSERT INTO quiet VALUES (NEW.id)");
            }
            try (Connection c = ledger(db, "async"); PreparedStatement ps = c.prepareStatement(INSERT)) {
                bind(ps, 1);
                assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class)
                        .hasMessageContaining("rule hush").extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("0A000");
            }
        }
    }

    /**
     * Another connection adds a column with a default behind the driver, after the driver knew the table: the
     * INSERT's guard sees it in the same transaction, nothing commits, and the INSERT is captured again with the new
     * metadata, its entry holding the default the database stored.
     */
    @Test
    void aColumnAddedBehindTheDriverIsSeenBeforeTheInsertCommits() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open();
             Connection c = ledger(db, "wait");
             Statement s = c.createStatement();
             Connection raw = db.connect()) {
            s.execute(CREATE);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                bind(ps, 1);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (Statement r = raw.createStatement()) {
                    r.execute("ALTER TABLE acct ADD COLUMN extra INT DEFAULT 5");
                }
                bind(ps, 2);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            List<LedgerEntry> entries = new ArrayList<>();
            LedgerStore.of(raw).scan(raw, 1, e -> entries.add(EntryCodec.decode(e.entry())));
            RowChange second = (RowChange) entries.get(entries.size() - 1).changes().get(0);
            assertThat(second.after().get("extra")).as("the row as stored, not as bound").isEqualTo(Value.of(5L));
            assertThat(scalar(raw, "SELECT COUNT(*) FROM acct")).as("each INSERT committed once").isEqualTo(2);
        }
    }

    /**
     * A foreign key's internal triggers and a dropped column's slot fail the quick guard (it reads the table's catalog
     * row only); the INSERT is then captured again under the full guard, and each commits exactly once with its entry.
     */
    @Test
    void tablesTheQuickGuardCannotClearCommitEachInsertOnceUnderTheFullGuard() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open();
             Connection c = ledger(db, "wait");
             Statement s = c.createStatement();
             Connection raw = db.connect()) {
            s.execute("CREATE TABLE owner (id BIGINT PRIMARY KEY)");
            s.execute("INSERT INTO owner (id) VALUES (7)");
            s.execute("CREATE TABLE acct (id BIGINT PRIMARY KEY, name VARCHAR(20), n INT REFERENCES owner (id))");
            s.execute("CREATE TABLE plain (id BIGINT PRIMARY KEY, gone INT, name VARCHAR(20), n INT)");
            s.execute("ALTER TABLE plain DROP COLUMN gone");
            assertThat(scalar(raw, "SELECT count(*) FROM pg_class WHERE (oid = 'acct'::regclass AND relhastriggers)"
                    + " OR (oid = 'plain'::regclass AND relnatts = 4)")).as("what the quick guard cannot clear").isEqualTo(2);
            for (String sql : List.of(INSERT, "INSERT INTO plain (id, name, n) VALUES (?, ?, ?)")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (long id = 1; id <= 3; id++) {
                        bind(ps, id);
                        assertThat(ps.executeUpdate()).isEqualTo(1);
                    }
                }
            }
            assertThat(scalar(raw, "SELECT COUNT(*) FROM acct") + scalar(raw, "SELECT COUNT(*) FROM plain")).isEqualTo(6);
            List<LedgerEntry> entries = new ArrayList<>();
            LedgerStore.of(raw).scan(raw, 1, e -> entries.add(EntryCodec.decode(e.entry())));
            List<String> inserted = entries.stream().flatMap(e -> e.changes().stream()).filter(RowChange.class::isInstance)
                    .map(ch -> ((RowChange) ch).table() + " " + ((RowChange) ch).after().get("id") + " " + ((RowChange) ch).after().get("name"))
                    .filter(x -> !x.startsWith("owner")).toList();
            assertThat(inserted).containsExactly("acct 1 'n1'", "acct 2 'n2'", "acct 3 'n3'", "plain 1 'n1'", "plain 2 'n2'", "plain 3 'n3'");
            assertVerifies(db);
        }
    }

    /** A trigger created behind the driver on a partition of the table: the INSERT through the parent is refused. */
    @Test
    void aTriggerOnAPartitionCreatedBehindTheDriverRefusesTheInsert() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open();
             Connection c = ledger(db, "async");
             Statement s = c.createStatement();
             Connection raw = db.connect()) {
            s.execute("CREATE TABLE acct (id BIGINT PRIMARY KEY, name VARCHAR(20), n INT) PARTITION BY RANGE (id)");
            s.execute("CREATE TABLE acct_low PARTITION OF acct FOR VALUES FROM (0) TO (1000)");
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                bind(ps, 1);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (Statement r = raw.createStatement()) {
                    r.execute("CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.n := NEW.n + 1; RETURN NEW; END $$");
                    r.execute("CREATE TRIGGER bump BEFORE INSERT ON acct_low FOR EACH ROW EXECUTE FUNCTION bump()");
                }
                bind(ps, 2);
                assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class).hasMessageContaining("trigger bump")
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("0A000");
            }
            assertThat(scalar(raw, "SELECT COUNT(*) FROM acct")).as("the refused INSERT left nothing").isEqualTo(1);
        }
    }

    private static void assertVerifies(Backend.Db db) {
        StringWriter out = new StringWriter();
        int exit = LedgerCli.run(new String[] {"verify", db.url, "--user", Backend.PG_USER}, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true));
        assertThat(exit).as(out.toString()).isEqualTo(LedgerCli.CLEAN);
    }
}
