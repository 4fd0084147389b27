package io.ledgerjdbc.compat;

import static io.ledgerjdbc.compat.CaptureSuiteTest.observe;
import static io.ledgerjdbc.compat.CaptureSuiteTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.driver.replay.Replayer;
import io.ledgerjdbc.driver.verify.StateCheck;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.time.Instant;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Operation;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.FindingKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tables without a primary key: rows are keyed by the whole row, equal rows may repeat (a multiset), NULLs
 * included. INSERT and UPDATE are followed on SQLite, H2 (row ids) and PostgreSQL (returned ctids), DELETE
 * everywhere; what a backend cannot follow is refused before it runs.
 */
class KeylessTablesSuiteTest {

    static final String EVENTS_DDL = "CREATE TABLE events (kind VARCHAR(10), n INT, tag VARCHAR(10) DEFAULT 'd')";

    private static boolean followsInserts(Backend b) {
        return b != Backend.MARIADB;
    }

    private static boolean followsUpdates(Backend b) {
        return b != Backend.MARIADB;
    }

    private static List<Finding> stateFindings(Fixture f) throws SQLException {
        return stateFindings(f, StateCheck.DEFAULT_BUDGET);
    }

    /** The state check alone; a small {@code budget} makes it spill. */
    private static List<Finding> stateFindings(Fixture f, long budget) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        try (StateCheck state = new StateCheck(null, budget); Connection c = f.behind()) {
            f.entries().forEach(state::visit);
            state.compare(c, f.dialect(), findings::add);
        }
        return findings;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void repeatedRowsAndNullsAreRecordedReplayedAndCheckedAsAMultiset(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            if (followsInserts(backend)) {
                f.schema(EVENTS_DDL);
            } else {
                // a table that existed with rows before the ledger is adopted on first write, keyed by the whole row
                for (Connection c : List.of(f.behind(), f.raw())) {
                    try (c; Statement s = c.createStatement()) {
                        s.execute(EVENTS_DDL);
                        s.executeUpdate("INSERT INTO events (kind, n) VALUES ('a', 1), ('a', 1), ('b', NULL), ('c', 3), ('c', 3)");
                    }
                }
            }
            CaptureSuiteTest.Script script = (c, seen) -> {
                if (followsInserts(backend)) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (kind, n) VALUES (?, ?)")) {
                        for (Object[] row : new Object[][] {{"a", 1}, {"a", 1}, {"b", null}}) {
                            ps.setString(1, (String) row[0]);
                            ps.setObject(2, row[1], java.sql.Types.INTEGER);
                            seen.add("insert " + ps.executeUpdate());
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (kind, n) VALUES ('c', 3), ('c', 3)")) {
                        seen.add("two " + ps.executeUpdate());
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (kind, n) SELECT kind, n + 10 FROM events WHERE kind = ?")) {
                        ps.setString(1, "a");
                        seen.add("select " + ps.executeUpdate());
                    }
                }
                if (followsUpdates(backend)) {
                    try (Statement s = c.createStatement()) {
                        seen.add("update null " + s.executeUpdate("UPDATE events SET n = 0 WHERE n IS NULL"));
                        seen.add("update twins " + s.executeUpdate("UPDATE events SET n = n + 1 WHERE kind = 'a' AND n = 1"));
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE events SET tag = ? WHERE kind = ?")) {
                        ps.setString(1, "u");
                        ps.setString(2, "b");
                        seen.add("update prepared " + ps.executeUpdate());
                        ps.setString(1, "u");
                        seen.add("update unchanged " + ps.executeUpdate());
                    }
                }
                try (Statement s = c.createStatement()) {
                    seen.add("delete twins " + s.executeUpdate("DELETE FROM events WHERE kind = 'c'"));
                }
                query(c, "SELECT kind, n, tag FROM events ORDER BY kind, n", seen);
            };
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = observe(l, script);
                viaRaw = observe(r, script);
            }
            assertThat(viaLedger).isEqualTo(viaRaw);
            assertThat(viaLedger).contains("delete twins 2");
            List<LedgerEntry> entries = f.entries();
            RowChange deleted = entries.get(entries.size() - 1).changes().stream().map(ch -> (RowChange) ch)
                    .filter(rc -> rc.op() == Operation.DELETE).findFirst().orElseThrow();
            assertThat(deleted.op()).isEqualTo(Operation.DELETE);
            assertThat(deleted.key()).isEqualTo(deleted.before()); // the whole row is the key
            assertThat(f.verify()).isEmpty();
            assertThat(stateFindings(f)).isEmpty();
            if (followsInserts(backend)) { // (an adopted table's CREATE is not in the ledger, so it cannot be replayed alone)
                for (List<?> t : f.replayAndCompare("events")) {
                    assertThat(t.get(2)).as("replayed").isEqualTo(t.get(1));
                }
            }
            // one of two equal rows removed behind the driver's back: the multiset check notices
            try (Connection c = f.behind(); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM events WHERE kind = 'b'");
                s.executeUpdate("INSERT INTO events (kind, n) VALUES ('a', 7)");
            }
            assertThat(stateFindings(f)).extracting(Finding::kind).contains(FindingKind.ROW_MISSING, FindingKind.ROW_ADDED);
        }
    }

    /**
     * Migration tools (Liquibase's DATABASECHANGELOG) insert through a plain Statement with literal values. On
     * PostgreSQL the driver asks the real statement for the ctids, as it does when it prepares such an INSERT.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "H2_FILE", "POSTGRESQL"})
    void plainStatementInsertsAreRecordedWithTheRowsTheyMade(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(EVENTS_DDL);
            CaptureSuiteTest.Script script = (c, seen) -> {
                try (Statement s = c.createStatement()) {
                    seen.add("update " + s.executeUpdate("INSERT INTO events (kind, n) VALUES ('a', 1), ('a', 1)"));
                    seen.add("execute " + s.execute("INSERT INTO events (kind) VALUES ('b')") + " " + s.getUpdateCount());
                    seen.add("large " + s.executeLargeUpdate("INSERT INTO events (kind, n, tag) SELECT 'c', n + 1, 'x' FROM events WHERE kind = 'a'"));
                }
                query(c, "SELECT kind, n, tag FROM events ORDER BY kind, n", seen);
            };
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = observe(l, script);
                viaRaw = observe(r, script);
            }
            assertThat(viaLedger).isEqualTo(viaRaw).contains("update 2", "execute false 1", "large 2");
            List<RowChange> inserts = f.entries().stream().skip(1).flatMap(e -> e.changes().stream())
                    .map(RowChange.class::cast).toList();
            assertThat(inserts).extracting(RowChange::op).containsOnly(Operation.INSERT);
            assertThat(inserts).extracting(rc -> rc.after().toString().toLowerCase(java.util.Locale.ROOT).replace(" ", ""))
                    .containsExactly( // as stored, with the column default the statements left out
                            "{kind='a',n=1,tag='d'}", "{kind='a',n=1,tag='d'}", "{kind='b',n=null,tag='d'}",
                            "{kind='c',n=2,tag='x'}", "{kind='c',n=2,tag='x'}");
            assertThat(f.verify()).isEmpty();
            assertThat(stateFindings(f)).isEmpty();
            for (List<?> t : f.replayAndCompare("events")) {
                assertThat(t.get(2)).as("replayed").isEqualTo(t.get(1));
            }
        }
    }

    /** A DELETE of exactly one of the rows {@code where} matches, by the backend's row identity. */
    static String deleteOneRow(Backend b, String where) {
        return switch (b) {
            case SQLITE -> "DELETE FROM events WHERE rowid = (SELECT MIN(rowid) FROM events WHERE " + where + ")";
            case H2_FILE, H2_MEM -> "DELETE FROM events WHERE _ROWID_ = (SELECT MIN(_ROWID_) FROM events WHERE " + where + ")";
            case POSTGRESQL -> "DELETE FROM events WHERE ctid = (SELECT MIN(ctid) FROM events WHERE " + where + ")";
            case MARIADB -> "DELETE FROM events WHERE " + where + " LIMIT 1";
        };
    }

    /**
     * Equal rows share their whole-row key, so the state check counts them: one of three deleted through the
     * driver leaves the other two expected (and replay deletes exactly one too); one deleted behind the driver's
     * back is one {@code ROW_MISSING}, and each equal row added behind its back one {@code ROW_ADDED}. MariaDB
     * refuses to delete one of equal rows through the driver (it has no row identity and no DELETE … LIMIT is
     * captured), so there the driver's write is another row's deletion.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void equalRowsAreCountedSoOneGoneOrOneMoreIsOneFinding(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            if (followsInserts(backend)) {
                f.schema(EVENTS_DDL);
                try (Connection l = f.ledger(); PreparedStatement ps = l.prepareStatement("INSERT INTO events (kind, n) VALUES (?, ?)")) {
                    for (Object[] row : new Object[][] {{"a", 1}, {"a", 1}, {"b", 2}, {"b", 2}, {"b", 2}, {"c", 3}}) {
                        ps.setString(1, (String) row[0]);
                        ps.setObject(2, row[1], java.sql.Types.INTEGER);
                        assertThat(ps.executeUpdate()).isEqualTo(1);
                    }
                }
            } else { // adopted, with its rows, on the first write through the driver
                try (Connection c = f.behind(); Statement s = c.createStatement()) {
                    s.execute(EVENTS_DDL);
                    s.executeUpdate("INSERT INTO events (kind, n) VALUES ('a', 1), ('a', 1), ('b', 2), ('b', 2), ('b', 2), ('c', 3)");
                }
            }
            long bs = 3;
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                if (backend == Backend.MARIADB) {
                    assertThatThrownBy(() -> s.executeUpdate(deleteOneRow(backend, "kind = 'b'")))
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
                    assertThat(s.executeUpdate("DELETE FROM events WHERE kind = 'c'")).isEqualTo(1);
                } else {
                    assertThat(s.executeUpdate(deleteOneRow(backend, "kind = 'b'"))).isEqualTo(1);
                    bs = 2;
                }
            }
            RowChange deleted = (RowChange) f.entries().get(f.entries().size() - 1).changes().stream()
                    .filter(ch -> ch instanceof RowChange rc && rc.op() == Operation.DELETE).findFirst().orElseThrow();
            assertThat(deleted.key()).isEqualTo(deleted.before());
            assertThat(f.verify()).isEmpty();
            assertThat(stateFindings(f)).as("the equal rows left are those the ledger says").isEmpty();
            if (followsInserts(backend)) {
                for (List<?> t : f.replayAndCompare("events")) {
                    assertThat(t.get(2)).as("replayed").isEqualTo(t.get(1));
                }
            }

            try (Connection c = f.behind(); Statement s = c.createStatement()) {
                assertThat(s.executeUpdate(deleteOneRow(backend, "kind = 'a'"))).isEqualTo(1);
            }
            List<Finding> findings = stateFindings(f);
            assertThat(findings).extracting(Finding::kind).containsExactly(FindingKind.ROW_MISSING);
            assertThat(findings.get(0).key().toLowerCase(java.util.Locale.ROOT)).isEqualTo("{kind='a', n=1, tag='d'}");
            assertThat(findings.get(0).expected().toLowerCase(java.util.Locale.ROOT)).isEqualTo("{kind='a', n=1, tag='d'}");
            assertThat(findings.get(0).detail()).contains("the ledger has 2, the table 1");

            try (Connection c = f.behind(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO events (kind, n) VALUES ('a', 1), ('a', 1), ('b', 2)");
            }
            findings = stateFindings(f);
            assertThat(findings).extracting(x -> x.kind() + " " + x.key().toLowerCase(java.util.Locale.ROOT))
                    .containsExactly("ROW_ADDED {kind='a', n=1, tag='d'}", "ROW_ADDED {kind='b', n=2, tag='d'}");
            assertThat(findings).extracting(Finding::detail)
                    .containsExactly("more rows equal to this one than the ledger recorded: the ledger has 2, the table 3",
                            "more rows equal to this one than the ledger recorded: the ledger has " + bs + ", the table " + (bs + 1));
        }
    }

    /**
     * ALTER TABLE … ADD COLUMN widens every row's whole-row key, so rows written before it (the table now gives
     * them the column's default, or NULL) are matched on the columns both sides have, still counted: two old
     * twins and their wider copy, one twin deleted through the driver by its wider image, all clean; then one
     * twin deleted and one old row changed behind the driver's back are exactly their findings, in memory and
     * spilled. On every backend that follows key-less INSERTs.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "H2_FILE", "H2_MEM", "POSTGRESQL"})
    void rowsWrittenBeforeAnAddColumnAreCountedOnTheColumnsBothSidesHave(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(EVENTS_DDL);
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                assertThat(s.executeUpdate("INSERT INTO events (kind, n) VALUES ('a', 1), ('a', 1), ('b', 2)")).isEqualTo(3);
                s.execute("ALTER TABLE events ADD COLUMN colour VARCHAR(10) DEFAULT 'red'");
                assertThat(s.executeUpdate("INSERT INTO events (kind, n) VALUES ('a', 1), ('c', 3)")).isEqualTo(2);
                s.execute("ALTER TABLE events ADD COLUMN size INT");
                assertThat(s.executeUpdate("INSERT INTO events (kind, n) VALUES ('a', 1)")).isEqualTo(1);
                // the oldest twin, by the image it has now: the ledger deletes one wide row it never inserted
                assertThat(s.executeUpdate(deleteOneRow(backend, "kind = 'a'"))).isEqualTo(1);
            }
            assertThat(f.verify()).isEmpty();
            for (long budget : new long[] {StateCheck.DEFAULT_BUDGET, 256}) {
                assertThat(stateFindings(f, budget)).as("budget " + budget).isEmpty();
            }

            try (Connection c = f.behind(); Statement s = c.createStatement()) {
                assertThat(s.executeUpdate(deleteOneRow(backend, "kind = 'a'"))).isEqualTo(1);
                assertThat(s.executeUpdate("UPDATE events SET n = 5 WHERE kind = 'b'")).isEqualTo(1);
            }
            assertThat(f.verify()).isEmpty();
            for (long budget : new long[] {StateCheck.DEFAULT_BUDGET, 256}) {
                List<Finding> findings = stateFindings(f, budget);
                assertThat(findings).extracting(x -> x.kind() + " " + x.key().toLowerCase(java.util.Locale.ROOT))
                        .as("budget " + budget)
                        .containsExactlyInAnyOrder("ROW_MISSING {kind='a', n=1, tag='d'}", "ROW_MISSING {kind='b', n=2, tag='d'}",
                                "ROW_ADDED {colour='red', kind='b', n=5, size=null, tag='d'}");
                Finding twin = findings.stream().filter(x -> x.key().toLowerCase(java.util.Locale.ROOT).contains("'a'")).findFirst().orElseThrow();
                assertThat(twin.detail()).as(twin.toString()).contains("on the columns both sides have").contains("the ledger has 2, the table 1");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "H2_FILE", "H2_MEM", "POSTGRESQL"})
    void concurrentInsertsOfEqualRowsAreEachRecordedOnce(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(EVENTS_DDL);
            int threads = 4;
            int perThread = 20;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        try (Connection l = f.ledger(); PreparedStatement ps = l.prepareStatement("INSERT INTO events (kind, n) VALUES ('same', 1)")) {
                            for (int i = 0; i < perThread; i++) {
                                retry(ps);
                            }
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> d : done) d.get();
            } finally {
                pool.shutdownNow();
            }
            List<LedgerEntry> entries = f.entries();
            assertThat(entries).hasSize(1 + threads * perThread);
            assertThat(f.verify()).isEmpty();
            assertThat(stateFindings(f)).isEmpty();
            for (List<?> t : f.replayAndCompare("events")) {
                assertThat(t.get(2)).as("replayed").isEqualTo(t.get(1));
            }
        }
    }

    /** SQLITE_BUSY, or capture's 40001 when another transaction's rows appeared among this one's: retried. */
    private static void retry(PreparedStatement ps) throws SQLException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                ps.executeUpdate();
                return;
            } catch (SQLException e) {
                boolean retry = "40001".equals(e.getSQLState()) || (e.getMessage() != null && e.getMessage().contains("SQLITE_BUSY"));
                if (!retry || attempt > 200) throw e;
                Thread.sleep(2);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void replayOfAWholeRowKeyChangesExactlyOneOfTheEqualRows(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(EVENTS_DDL);
            s.executeUpdate("INSERT INTO events (kind, n) VALUES ('a', 1), ('a', 1), ('b', NULL)");
            SqlDialect dialect = SqlDialect.of(c);
            List<Row> rows = TableSnapshot.of(c, dialect, "events"); // sorted: a, a, b
            Row twin = rows.get(0);
            Row withNull = rows.get(2);
            Row.Builder changed = Row.builder();
            for (String name : twin.names()) {
                changed.put(name, name.equalsIgnoreCase("n") ? Value.of(2L) : twin.get(name));
            }
            Row after = changed.build();
            String table = dialect == SqlDialect.H2 ? "EVENTS" : "events"; // as the ledger names it: the stored name
            c.setAutoCommit(false);
            new Replayer(dialect).apply(c, new LedgerEntry(1, "A", Instant.EPOCH, "t", List.of(
                    RowChange.update(table, twin, twin, after),
                    RowChange.delete(table, withNull, withNull))));
            c.commit();
            assertThat(TableSnapshot.of(c, dialect, "events")).containsExactlyInAnyOrder(twin, after);
        }
    }

    /** H2 follows every key-less write (by _ROWID_), so it has nothing to refuse here. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL", "MARIADB"})
    void keylessWritesABackendCannotFollowAreRefusedBeforeTheyRun(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(EVENTS_DDL);
            String insert = "INSERT INTO events (kind, n) VALUES ('a', 1)";
            List<String> refused = new ArrayList<>();
            if (backend == Backend.MARIADB) {
                refused.add(insert);
                refused.add("INSERT INTO events (kind, n) SELECT 'a', 1");
            }
            if (!followsUpdates(backend)) {
                refused.add("UPDATE events SET n = 2");
            }
            if (backend == Backend.SQLITE) {
                refused.add("UPDATE events SET rowid = 7"); // the row id capture follows rows by
            }
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                for (String sql : refused) {
                    assertThatThrownBy(() -> s.executeUpdate(sql)).as(sql)
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
                }
                if (backend == Backend.POSTGRESQL) { // where the ctids cannot take the place of generated keys
                    assertThatThrownBy(() -> s.executeUpdate(insert, Statement.RETURN_GENERATED_KEYS)).as("asking for keys")
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
                    assertThatThrownBy(() -> s.executeUpdate("UPDATE events SET n = 2", Statement.RETURN_GENERATED_KEYS))
                            .as("an UPDATE asking for keys").satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
                    s.addBatch(insert);
                    assertThatThrownBy(s::executeBatch).as("a Statement batch")
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
                }
            }
            try (Connection c = f.behind(); Statement s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
            assertThat(f.entries()).hasSize(1);
        }
    }

    /** PostgreSQL ctids are unique only within one relation: a key-less table with children cannot be followed. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "POSTGRESQL")
    void keylessTablesWithInheritanceChildrenAreRefusedBeforeTheyRun(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(EVENTS_DDL, "CREATE TABLE events_old () INHERITS (events)");
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                for (String sql : List.of("INSERT INTO events (kind, n) VALUES ('a', 1)", "UPDATE events SET n = 2", "DELETE FROM events")) {
                    assertThatThrownBy(() -> s.executeUpdate(sql)).as(sql)
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"))
                            .hasMessageContaining("inheritance children");
                }
            }
            assertThat(f.entries()).hasSize(2);
        }
    }
}
