package io.ledgerjdbc.driver.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.cli.LedgerCli;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.PendingEntries;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sealed ledger on PostgreSQL and MariaDB (schema version 2): commits write pending entries, a sealer chains
 * them in order-number order into entries byte-identical to direct appends.
 */
class SealedLedgerTest {

    private static Connection ledger(Backend.Db db, String seal) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", db.backend == Backend.POSTGRESQL ? Backend.PG_USER : Backend.MARIADB_USER);
        p.setProperty("password", "");
        p.setProperty("ledger.seal", seal);
        return DriverManager.getConnection(db.url.replace("jdbc:", "jdbc:ledger:"), p);
    }

    private static List<LedgerEntry> entries(Connection raw) throws SQLException {
        List<LedgerEntry> out = new ArrayList<>();
        LedgerStore.of(raw).scan(raw, 1, e -> {
            LedgerEntry entry = EntryCodec.decode(e.entry());
            assertThat(EntryCodec.encode(entry)).as("stored bytes are the canonical encoding").isEqualTo(e.entry());
            out.add(entry);
        });
        return out;
    }

    private static List<Finding> verify(Connection raw) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        new LedgerVerifier(LedgerStore.of(raw)).verify(raw, VerifyOptions.defaults(), findings::add);
        return findings;
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void commitsAreSealedAsVersionTwoEntriesIdenticalInFormatAndVerifiable(Backend backend) throws Exception {
        try (Backend.Db db = backend.open()) {
            try (Connection c = ledger(db, "wait"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))");
                for (int i = 1; i <= 5; i++) {
                    s.executeUpdate("INSERT INTO t VALUES (" + i + ", 'v" + i + "')");
                }
                c.setAutoCommit(false);
                s.executeUpdate("UPDATE t SET v = 'changed' WHERE id = 2");
                s.executeUpdate("DELETE FROM t WHERE id = 5");
                c.commit();
            }
            try (Connection raw = db.connect()) {
                assertThat(scalar(raw, "SELECT meta_value FROM ledger_meta WHERE meta_key = 'schema_version'")).isEqualTo(2);
                // ledger.seal=wait: the entries are sealed when commit() returns
                assertThat(PendingEntries.count(raw)).isZero();
                List<LedgerEntry> entries = entries(raw);
                assertThat(entries).hasSize(7); // CREATE, five INSERTs, one transaction of two changes
                for (int i = 0; i < entries.size(); i++) {
                    assertThat(entries.get(i).seq()).isEqualTo(i + 1);
                }
                assertThat(entries.get(6).changes()).hasSize(2);
                assertThat(((RowChange) entries.get(6).changes().get(0)).after().toString()).contains("changed");
                assertThat(verify(raw)).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void numbersOfAbortedTransactionsAreGapsThatSealingSkips(Backend backend) throws Exception {
        try (Backend.Db db = backend.open()) {
            try (Connection c = ledger(db, "wait"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                try (Connection raw = db.connect(); Statement r = raw.createStatement()) {
                    raw.setAutoCommit(false);
                    // a committer that took its number and then rolled back (e.g. its COMMIT failed)
                    r.executeQuery(backend == Backend.POSTGRESQL ? "SELECT nextval('ledger_pending_num')"
                            : "SELECT NEXTVAL(ledger_pending_num)").close();
                    r.executeUpdate("INSERT INTO ledger_pending (num, entry) VALUES (" + (backend == Backend.POSTGRESQL
                            ? "currval('ledger_pending_num')" : "LASTVAL(ledger_pending_num)") + ", " + (backend == Backend.POSTGRESQL ? "decode('01', 'hex')" : "x'01'") + ")");
                    raw.rollback();
                }
                s.executeUpdate("INSERT INTO t VALUES (1)");
                s.executeUpdate("INSERT INTO t VALUES (2)");
            }
            try (Connection raw = db.connect()) {
                assertThat(entries(raw)).extracting(LedgerEntry::seq).containsExactly(1L, 2L, 3L);
                assertThat(PendingEntries.count(raw)).isZero();
                assertThat(verify(raw)).isEmpty();
            }
        }
    }

    /**
     * MariaDB's gap rule: a committer between taking its number and committing holds the seal gate, so a sealer
     * cannot seal a larger number (committed meanwhile) before the smaller one is resolved; once it commits, the
     * smaller number is sealed first.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"MARIADB"})
    void aCommitterInsideItsCommitHoldsBackSealingOfLargerNumbers(Backend backend) throws Exception {
        try (Backend.Db db = backend.open();
             Connection app = ledger(db, "async");
             Statement s = app.createStatement();
             Connection slow = db.connect();
             Statement r = slow.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
            Sealer.sealAll(slow); // the CREATE, unless the background sealer was first
            slow.setAutoCommit(false);
            // the slow committer takes the gate in shared mode and its number, as PendingCommit does, and stops there
            long slowNum;
            try (ResultSet rs = r.executeQuery("SELECT NEXTVAL(ledger_pending_num) FROM ledger_meta WHERE meta_key = 'seal' LOCK IN SHARE MODE")) {
                rs.next();
                slowNum = rs.getLong(1);
            }
            // a later committer (larger number) commits; its sealer is held at the gate
            s.executeUpdate("INSERT INTO t VALUES (1)");
            try (Connection raw = db.connect()) {
                Thread.sleep(500);
                assertThat(scalar(raw, "SELECT COUNT(*) FROM ledger_entry")).as("only the CREATE is sealed").isEqualTo(1);
                assertThat(scalar(raw, "SELECT MIN(num) FROM ledger_pending")).isGreaterThan(slowNum);
                commitZeroChangeEntry(slow, slowNum);
                awaitNothingPending(raw);
                List<LedgerEntry> entries = entries(raw);
                assertThat(entries).extracting(LedgerEntry::txId).element(1).isEqualTo("slow-1");
                assertThat(entries).hasSize(3);
                assertThat(((RowChange) entries.get(2).changes().get(0)).table()).isEqualToIgnoringCase("t");
                assertThat(verify(raw)).isEmpty();
            }
        }
    }

    /**
     * PostgreSQL has no seal gate: a committer between taking its number and committing holds nothing back, so a
     * larger number committed meanwhile is sealed at once, and the smaller one, committed later, is sealed after it
     * (the two never touched the same rows: a transaction that waits for another's lock takes its number after the
     * other has committed, see the eight-thread test).
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"POSTGRESQL"})
    void aSlowCommitterHoldsNothingBackAndIsSealedWhenItCommits(Backend backend) throws Exception {
        try (Backend.Db db = backend.open();
             Connection app = ledger(db, "wait");
             Statement s = app.createStatement();
             Connection slow = db.connect();
             Statement r = slow.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
            slow.setAutoCommit(false);
            long slowNum;
            try (ResultSet rs = r.executeQuery("SELECT nextval('ledger_pending_num')")) {
                rs.next();
                slowNum = rs.getLong(1);
            }
            long started = System.nanoTime();
            s.executeUpdate("INSERT INTO t VALUES (1)"); // ledger.seal=wait: returns once sealed
            assertThat(System.nanoTime() - started).as("sealed without waiting for the slow committer")
                    .isLessThan(TimeUnit.SECONDS.toNanos(5));
            try (Connection raw = db.connect()) {
                assertThat(scalar(raw, "SELECT COUNT(*) FROM ledger_entry")).as("the CREATE and the INSERT").isEqualTo(2);
                assertThat(PendingEntries.count(raw)).isZero();
                commitZeroChangeEntry(slow, slowNum);
                Sealer.sealAll(raw);
                List<LedgerEntry> entries = entries(raw);
                assertThat(entries).extracting(LedgerEntry::txId).element(2).isEqualTo("slow-1");
                assertThat(entries).hasSize(3);
                assertThat(verify(raw)).isEmpty();
            }
        }
    }

    /** The slow committer of the two tests above commits its entry (a zero-change entry) with its number. */
    private static void commitZeroChangeEntry(Connection slow, long num) throws SQLException {
        try (PreparedStatement ins = slow.prepareStatement("INSERT INTO ledger_pending (num, entry) VALUES (?, ?)")) {
            ins.setLong(1, num);
            ins.setBytes(2, PendingEntries.encodePending(new LedgerEntry(1, "slow", Instant.now(), "slow-1", List.of())));
            ins.executeUpdate();
        }
        slow.commit();
    }

    private static void awaitNothingPending(Connection raw) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (PendingEntries.count(raw) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * Eight threads commit conflicting updates of one counter row and non-conflicting inserts: every commit has one
     * sealed entry, the counter's images chain in ledger order (each before-image is the previous after-image, which
     * holds only if conflicting transactions are sealed in the order they committed), and verify with the state check
     * (replay of the ledger equals the tables) is clean.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void eightThreadsOfConflictingAndIndependentCommitsSealInCommitOrderAndVerifyClean(Backend backend) throws Exception {
        int threads = 8;
        int perThread = 40;
        try (Backend.Db db = backend.open()) {
            try (Connection c = ledger(db, "async"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)");
                s.execute("CREATE TABLE item (id INT PRIMARY KEY, owner INT NOT NULL)");
                s.executeUpdate("INSERT INTO counter VALUES (1, 0)");
            }
            AtomicInteger committed = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    try (Connection c = ledger(db, thread % 2 == 0 ? "async" : "wait");
                         PreparedStatement bump = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1");
                         PreparedStatement add = c.prepareStatement("INSERT INTO item VALUES (?, ?)")) {
                        for (int i = 0; i < perThread; i++) {
                            if (i % 2 == 0) {
                                bump.executeUpdate();
                            } else {
                                add.setInt(1, thread * 1000 + i);
                                add.setInt(2, thread);
                                add.executeUpdate();
                            }
                            committed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();
            try (Connection raw = db.connect()) {
                Sealer.sealAll(raw);
                assertThat(PendingEntries.count(raw)).isZero();
                List<LedgerEntry> entries = entries(raw);
                assertThat(entries).hasSize(3 + committed.get());
                String previous = null;
                int bumps = 0;
                for (LedgerEntry e : entries) {
                    for (var change : e.changes()) {
                        if (change instanceof RowChange rc && rc.table().equalsIgnoreCase("counter") && rc.before() != null) {
                            if (previous != null) {
                                assertThat(rc.before().toString()).as("before-image of entry " + e.seq()).isEqualTo(previous);
                            }
                            previous = rc.after().toString();
                            bumps++;
                        } else if (change instanceof RowChange rc && rc.table().equalsIgnoreCase("counter")) {
                            previous = rc.after().toString();
                        }
                    }
                }
                assertThat(bumps).isEqualTo(threads * perThread / 2);
                assertThat(scalar(raw, "SELECT n FROM counter")).isEqualTo(bumps);
            }
            String[] args = {"verify", db.url, "--user", backend == Backend.POSTGRESQL ? Backend.PG_USER : Backend.MARIADB_USER};
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = LedgerCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(exit).as(out + "\n" + err).isEqualTo(LedgerCli.CLEAN);
            assertThat(out.toString()).contains("CLEAN");
        }
    }

    /**
     * Verify writes nothing: entries committed but not yet sealed (here the sealer is held at the append lock) are counted and
     * replayed as the ledger's tail, so the tables match; a row changed behind the driver's back is still found.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void verifyCountsPendingEntriesAndChecksTheirChangesAgainstTheTables(Backend backend) throws Exception {
        boolean pg = backend == Backend.POSTGRESQL;
        try (Backend.Db db = backend.open();
             Connection app = ledger(db, "async");
             Statement s = app.createStatement();
             Connection gate = db.connect();
             Statement g = gate.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
            s.executeUpdate("INSERT INTO t VALUES (1, 10)");
            Sealer.sealAll(gate);
            gate.setAutoCommit(false);
            g.executeQuery(io.ledgerjdbc.driver.backend.Backend.LOCK_LEDGER).close();
            s.executeUpdate("INSERT INTO t VALUES (2, 20)");
            s.executeUpdate("UPDATE t SET v = 11 WHERE id = 1");
            String user = pg ? Backend.PG_USER : Backend.MARIADB_USER;
            String out = cli("verify", db.url, "--user", user);
            assertThat(out).contains("CLEAN: 2 entries + 2 pending (committed, not yet sealed)");
            try (Connection raw = db.connect(); Statement r = raw.createStatement()) {
                r.executeUpdate("UPDATE t SET v = 99 WHERE id = 2");
            }
            String tampered = cli("verify", db.url, "--user", user);
            assertThat(tampered).contains("ROW_CHANGED").contains("+ 2 pending");
            gate.rollback();
        }
    }

    /**
     * At SERIALIZABLE two overlapping transactions writing different rows both commit, as they do raw: the pending
     * entry reads nothing (version 1 read the ledger's head in both, and the second failed with 40001).
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"POSTGRESQL"})
    void overlappingSerializableTransactionsOnDifferentRowsBothCommit(Backend backend) throws Exception {
        try (Backend.Db db = backend.open();
             Connection a = ledger(db, "wait");
             Connection b = ledger(db, "wait")) {
            try (Statement s = a.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
            }
            for (Connection c : List.of(a, b)) {
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                c.setAutoCommit(false);
            }
            for (int round = 0; round < 5; round++) {
                try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                    sa.executeUpdate("INSERT INTO t VALUES (" + (2 * round) + ", 1)");
                    sb.executeUpdate("INSERT INTO t VALUES (" + (2 * round + 1) + ", 2)");
                    a.commit();
                    b.commit();
                }
            }
            try (Connection raw = db.connect()) {
                assertThat(entries(raw)).hasSize(11);
                assertThat(scalar(raw, "SELECT COUNT(*) FROM t")).isEqualTo(10);
                assertThat(verify(raw)).isEmpty();
            }
        }
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        LedgerCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return out + err.toString();
    }
}
