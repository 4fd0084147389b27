package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.store.Backend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The race workload of issue 13 §5, through the ledger and raw side by side: six autocommit threads on one table
 * of small groups — two move rows between groups ({@code UPDATE t SET g = ? WHERE id = ?}), two update a group
 * through a subquery, one updates a group directly, one inserts and deletes. Rows keep entering and leaving the
 * groups while whole groups are updated, which is exactly where capture's read of a write's rows and the write
 * itself can disagree.
 *
 * <p>What it proves: after every run the ledger verifies clean (no committed change without its entry, every
 * recorded image equal to the stored row), and through the ledger statements fail no more than a bound times as
 * often as raw. Short in CI (a few seconds per backend); longer and more runs with
 * {@code -Dledgerjdbc.race.seconds=20 -Dledgerjdbc.race.runs=7} (see docs/integration.md, "Concurrent writes").
 */
class ConcurrentGroupWritesTest {

    static final int SECONDS = Integer.getInteger("ledgerjdbc.race.seconds", 3);
    /** A run goes on past {@link #SECONDS} until this many statements ran (see {@link #workload}). */
    static final int MIN_STATEMENTS = 200;
    static final int RUNS = Integer.getInteger("ledgerjdbc.race.runs", 2);
    static final double MAX_EXTRA_RATE = 0.02;
    static final int GROUPS = Integer.getInteger("ledgerjdbc.race.groups", 4);
    static final int ROWS = Integer.getInteger("ledgerjdbc.race.rows", 40);
    /** Runs only these backends (comma-separated names), e.g. to give one a long run. */
    static final String ONLY = System.getProperty("ledgerjdbc.race.backends", "");
    /** READ_COMMITTED, REPEATABLE_READ or SERIALIZABLE for every worker connection; empty: the backend's default. */
    static final String ISOLATION = System.getProperty("ledgerjdbc.race.isolation", "");

    /** Statements run and failed (by SQLState) by one run of the workload on one database. */
    record Outcome(long statements, Map<String, Long> failures) {
        long failed() {
            return failures.values().stream().mapToLong(Long::longValue).sum();
        }

        double rate() {
            return statements == 0 ? 0 : (double) failed() / statements;
        }

        /** The rate of failures that are not SQLite's busy timeouts. */
        double rate(Backend backend) {
            long failed = failed() - (backend == Backend.SQLITE ? failures.getOrDefault("SQLITE_BUSY", 0L) : 0);
            return statements == 0 ? 0 : (double) failed / statements;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d statements, %d failed (%.4f %%) %s", statements, failed(), 100 * rate(), failures);
        }
    }

    interface Connections {
        Connection open() throws SQLException;
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "MARIADB", "SQLITE"})
    void concurrentGroupWritesAreRecordedExactly(Backend backend) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ONLY.isEmpty() || List.of(ONLY.split(",")).contains(backend.name()),
                "ledgerjdbc.race.backends=" + ONLY);
        List<String> report = new ArrayList<>();
        for (int run = 1; run <= RUNS; run++) {
            try (Fixture f = new Fixture(backend)) {
                f.schema("CREATE TABLE t (id BIGINT PRIMARY KEY, g INT NOT NULL, v INT NOT NULL)");
                fill(f::ledger);
                fill(f::raw);
                Outcome raw = workload(f::raw, backend);
                Outcome ledger = workload(f::ledger, backend);
                report.add(backend + (ISOLATION.isEmpty() ? "" : " " + ISOLATION) + " run " + run + ": raw " + raw + "; ledger " + ledger);
                System.out.println("[race] " + report.get(report.size() - 1));
                assertThat(ledger.statements()).as("the workload ran").isGreaterThan(100);
                assertThat(verify(f)).as("verify after run " + run + " (" + ledger + ")").isEmpty();
                if (ISOLATION.isEmpty()) {
                    // At the default isolation levels the ledger may fail at most twice as often as raw, or (raw
                    // failing not at all in a short run) at most MAX_EXTRA_RATE: the database's own deadlocks, which
                    // a statement holding its locks a little longer meets more often. Before capture took the rows
                    // from the statement it was 3-14 %. SQLite's busy timeouts depend on the machine's load only.
                    double bound = Math.max(2 * raw.rate(backend), MAX_EXTRA_RATE);
                    assertThat(ledger.rate(backend)).as("failure rate through the ledger (" + ledger + ") against raw (" + raw + ")")
                            .isLessThanOrEqualTo(bound);
                }
            }
        }
    }

    /**
     * The interleaving behind the unrecorded UPDATE of §5, made deterministic: a group UPDATE through a subquery
     * starts while another transaction holds a row that it moves out of the group and a row that it moves in.
     * PostgreSQL and H2 then lock and return the leaving row in its new version (the subquery ran on the old
     * snapshot) while the UPDATE itself, on a newer snapshot, changes the entering row instead: the same count,
     * other rows. Whatever the database does, the rows recorded must be the rows changed.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "MARIADB", "SQLITE"})
    void aGroupUpdateRacingMovesRecordsExactlyTheRowsItChanged(Backend backend) throws Exception {
        groupUpdateRacingMoves(backend, "CREATE TABLE t (id BIGINT PRIMARY KEY, g INT NOT NULL, v INT NOT NULL)");
    }

    /** The same on a table without a primary key (H2 left out: see docs/integration.md, "Concurrent writes"). */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "SQLITE"})
    void aGroupUpdateOfAKeylessTableRacingMovesRecordsExactlyTheRowsItChanged(Backend backend) throws Exception {
        groupUpdateRacingMoves(backend, "CREATE TABLE t (id BIGINT NOT NULL, g INT NOT NULL, v INT NOT NULL)");
    }

    private static void groupUpdateRacingMoves(Backend backend, String ddl) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(ddl);
            try (Connection c = f.ledger(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t (id, g, v) VALUES (1, 7, 0), (2, 7, 0), (3, 8, 0)");
            }
            String outcome;
            try (Connection mover = f.ledger(); Connection updater = f.ledger()) {
                mover.setAutoCommit(false);
                try (Statement s = mover.createStatement()) {
                    s.executeUpdate("UPDATE t SET g = 8 WHERE id = 1");
                    s.executeUpdate("UPDATE t SET g = 7 WHERE id = 3");
                }
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
                try {
                    java.util.concurrent.Future<String> update = pool.submit(() -> {
                        try (PreparedStatement ps = updater.prepareStatement("UPDATE t SET v = v + 1 WHERE id IN (SELECT id FROM t WHERE g = ?)")) {
                            ps.setInt(1, 7);
                            return "updated " + ps.executeUpdate();
                        } catch (SQLException e) {
                            return "failed " + e.getSQLState();
                        }
                    });
                    Thread.sleep(backend == Backend.SQLITE ? 200 : 700); // the UPDATE is waiting for the mover's locks
                    mover.commit();
                    outcome = update.get(60, java.util.concurrent.TimeUnit.SECONDS);
                } finally {
                    pool.shutdownNow();
                }
            }
            System.out.println("[race] " + backend + " group update racing moves: " + outcome + ", rows " + rows(f));
            assertThat(outcome).as("the group update either ran or failed as a serialization failure")
                    .matches("updated [0-9]+|failed 40001");
            assertThat(verify(f)).as("verify after the group update (" + outcome + ")").isEmpty();
        }
    }

    /**
     * MariaDB's {@code SELECT … FOR UPDATE} locks the outer query's rows only: were the rows a subquery of the WHERE
     * read left unlocked, another transaction could swap which rows the WHERE selects between capture's read and
     * the UPDATE, with the same count. Through the ledger they stay as read until the transaction ends.
     */
    @org.junit.jupiter.api.Test
    void onMariaDbTheRowsAWhereSubqueryReadStayAsReadUntilCommit() throws Exception {
        try (Fixture f = new Fixture(Backend.MARIADB)) {
            f.schema("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT NOT NULL)", "CREATE TABLE u (id BIGINT PRIMARY KEY, f INT NOT NULL)");
            try (Connection c = f.ledger(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t (id, v) VALUES (1, 0), (2, 0), (3, 0)");
                s.executeUpdate("INSERT INTO u (id, f) VALUES (1, 1), (2, 1), (3, 0)");
            }
            try (Connection updater = f.ledger(); Connection other = f.behind(); Statement o = other.createStatement()) {
                updater.setAutoCommit(false);
                // at READ COMMITTED the UPDATE's own subquery is a consistent read, which locks nothing
                updater.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                try (Statement s = updater.createStatement()) {
                    assertThat(s.executeUpdate("UPDATE t SET v = v + 1 WHERE id IN (SELECT id FROM u WHERE f = 1)")).isEqualTo(2);
                }
                o.execute("SET SESSION innodb_lock_wait_timeout = 1");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.executeUpdate("UPDATE u SET f = 0 WHERE id = 1"))
                        .as("a row the subquery read is locked until the UPDATE's transaction ends")
                        .isInstanceOf(SQLException.class).hasMessageContaining("Lock wait timeout");
                updater.commit();
            }
            try (Connection c = f.ledger(); Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("UPDATE u SET f = 0 WHERE id = 1")).as("free after the commit").isEqualTo(1);
            }
            assertThat(verify(f)).isEmpty();
        }
    }

    /** The chain and, as the CLI's {@code verify} does, the state check: every table equals its last images. */
    static List<io.ledgerjdbc.ledger.verify.Finding> verify(Fixture f) throws SQLException {
        List<io.ledgerjdbc.ledger.verify.Finding> findings = new ArrayList<>(f.verify());
        try (Connection c = f.behind(); io.ledgerjdbc.driver.verify.StateCheck state = io.ledgerjdbc.driver.verify.StateCheck.forDatabase(c, f.dialect())) {
            f.entries().forEach(state::visit);
            state.compare(c, f.dialect(), findings::add);
        }
        return findings;
    }

    static String rows(Fixture f) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = f.behind(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT id, g, v FROM t ORDER BY id")) {
            while (rs.next()) out.append(rs.getLong(1)).append(':').append(rs.getInt(2)).append(':').append(rs.getInt(3)).append(' ');
        }
        return out.toString().trim();
    }

    static void fill(Connections db) throws SQLException {
        try (Connection c = db.open(); PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, g, v) VALUES (?, ?, 0)")) {
            c.setAutoCommit(false);
            for (int i = 1; i <= ROWS; i++) {
                ps.setLong(1, i);
                ps.setInt(2, i % GROUPS);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    /**
     * Runs the six threads for {@link #SECONDS} seconds against {@code db}, and on until they ran
     * {@link #MIN_STATEMENTS} statements (at most five times as long), counting statements and failures. Through the
     * ledger on PostgreSQL a few deadlocks (each detected after the server's 1 s deadlock_timeout) can leave only tens
     * of statements in 3 s on a loaded machine; the rates compare per statement, so a longer run is still a fair one.
     */
    static Outcome workload(Connections db, Backend backend) throws Exception {
        LongAdder statements = new LongAdder();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        AtomicLong nextId = new AtomicLong(1_000_000);
        long start = System.nanoTime();
        long end = start + SECONDS * 1_000_000_000L;
        long latest = start + 5 * SECONDS * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> broken = java.util.Collections.synchronizedList(new ArrayList<>());
        Worker move = (c, r) -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE t SET g = ? WHERE id = ?")) {
                ps.setInt(1, r.nextInt(GROUPS));
                ps.setLong(2, 1 + r.nextInt(ROWS));
                ps.executeUpdate();
            }
        };
        Worker bySubquery = (c, r) -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE t SET v = v + 1 WHERE id IN (SELECT id FROM t WHERE g = ?)")) {
                ps.setInt(1, r.nextInt(GROUPS));
                ps.executeUpdate();
            }
        };
        Worker direct = (c, r) -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE t SET v = v + 1 WHERE g = ?")) {
                ps.setInt(1, r.nextInt(GROUPS));
                ps.executeUpdate();
            }
        };
        java.util.Deque<Long> inserted = new java.util.ArrayDeque<>();
        Worker insertDelete = (c, r) -> {
            long id = nextId.getAndIncrement();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, g, v) VALUES (?, ?, 0)")) {
                ps.setLong(1, id);
                ps.setInt(2, r.nextInt(GROUPS));
                ps.executeUpdate();
                inserted.add(id);
            }
            if (inserted.size() > 20) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM t WHERE id = ?")) {
                    ps.setLong(1, inserted.poll());
                    ps.executeUpdate();
                }
            }
        };
        for (Worker w : List.of(move, move, bySubquery, bySubquery, direct, insertDelete)) {
            Thread t = new Thread(() -> {
                try (Connection c = db.open()) {
                    if (!ISOLATION.isEmpty()) {
                        c.setTransactionIsolation(switch (ISOLATION) {
                            case "READ_COMMITTED" -> Connection.TRANSACTION_READ_COMMITTED;
                            case "REPEATABLE_READ" -> Connection.TRANSACTION_REPEATABLE_READ;
                            case "SERIALIZABLE" -> Connection.TRANSACTION_SERIALIZABLE;
                            default -> throw new IllegalArgumentException("ledgerjdbc.race.isolation=" + ISOLATION);
                        });
                    }
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    while (System.nanoTime() < end || (statements.sum() < MIN_STATEMENTS && System.nanoTime() < latest)) {
                        try {
                            w.run(c, r);
                        } catch (SQLException e) {
                            String state = e.getSQLState() == null ? "null" : e.getSQLState();
                            if (backend == Backend.SQLITE && e.getErrorCode() == 5) state = "SQLITE_BUSY";
                            failures.computeIfAbsent(state, k -> new LongAdder()).increment();
                            if (Boolean.getBoolean("ledgerjdbc.race.verbose")) System.out.println("[race] " + state + " " + e.getMessage());
                            if (state.equals("0A000") || state.startsWith("HY") || state.startsWith("42")) {
                                broken.add(e); // a refusal or a driver error is not a race outcome
                                return;
                            }
                        }
                        statements.increment();
                    }
                } catch (Throwable e) {
                    broken.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!broken.isEmpty()) {
            AssertionError e = new AssertionError("a worker stopped: " + broken.get(0), broken.get(0));
            broken.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        Map<String, Long> byState = new TreeMap<>();
        failures.forEach((k, v) -> byState.put(k, v.sum()));
        return new Outcome(statements.sum(), byState);
    }

    @FunctionalInterface
    interface Worker {
        void run(Connection c, ThreadLocalRandom r) throws SQLException;
    }
}
