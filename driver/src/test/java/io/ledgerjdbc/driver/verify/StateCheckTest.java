package io.ledgerjdbc.driver.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.FindingKind;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import java.nio.file.Path;
import java.time.Instant;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state check with a memory budget far below the data: it spills, and still finds exactly the tampered rows. */
class StateCheckTest {

    @TempDir
    Path dir;

    private List<Finding> check(String url, long budget) throws Exception {
        List<Finding> findings = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); StateCheck state = new StateCheck(null, budget)) {
            new LedgerVerifier(new LedgerStore(SqlDialect.SQLITE)).verify(c, VerifyOptions.defaults().withVisitor(state), findings::add);
            state.compare(c, SqlDialect.SQLITE, findings::add);
        }
        return findings;
    }

    @Test
    void aSmallBudgetSpillsAndFindsTheSameTamperingAsALargeOne() throws Exception {
        String raw = "jdbc:sqlite:" + dir.resolve("s.db");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + dir.resolve("s.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT)");
            s.execute("CREATE TABLE b (k TEXT PRIMARY KEY, n INTEGER)");
            c.setAutoCommit(false);
            try (PreparedStatement ia = c.prepareStatement("INSERT INTO a VALUES (?, ?)");
                 PreparedStatement ib = c.prepareStatement("INSERT INTO b VALUES (?, ?)")) {
                for (int i = 0; i < 600; i++) {
                    ia.setInt(1, i);
                    ia.setString(2, "v" + i);
                    ia.executeUpdate();
                    ib.setString(1, "k" + i);
                    ib.setInt(2, i);
                    ib.executeUpdate();
                    if (i % 50 == 0) c.commit();
                }
            }
            c.commit();
            s.executeUpdate("UPDATE a SET v = 'w' WHERE id % 7 = 0");
            s.executeUpdate("DELETE FROM b WHERE n % 5 = 0");
            c.commit();
        }
        assertThat(check(raw, StateCheck.DEFAULT_BUDGET)).isEmpty();
        assertThat(check(raw, 2048)).isEmpty();

        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE a SET v = 'evil' WHERE id = 14");
            s.executeUpdate("DELETE FROM b WHERE k = 'k3'");
            s.executeUpdate("INSERT INTO b VALUES ('k5', 5)");
        }
        for (long budget : new long[] {StateCheck.DEFAULT_BUDGET, 2048}) {
            List<Finding> findings = check(raw, budget);
            assertThat(findings).extracting(f -> f.kind() + " " + f.table() + " " + f.key())
                    .as("budget " + budget)
                    .containsExactlyInAnyOrder("ROW_CHANGED a {id=14}", "ROW_MISSING b {k='k3'}", "ROW_ADDED b {k='k5'}");
            Finding changed = findings.stream().filter(f -> f.kind() == FindingKind.ROW_CHANGED).findFirst().orElseThrow();
            assertThat(changed.expected()).contains("v='w'");
            assertThat(changed.found()).contains("v='evil'");
        }
    }

    /**
     * A key-less table is a multiset: twins share their whole-row key, so the fold and the table are counted.
     * One of two twins deleted through the driver leaves the other expected; one deleted or one more added
     * behind its back is exactly one finding; the same whether the state fits in memory or spills.
     */
    @Test
    void equalRowsOfAKeylessTableAreCountedWhetherOrNotTheStateSpills() throws Exception {
        String raw = "jdbc:sqlite:" + dir.resolve("twins.db");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + dir.resolve("twins.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE tags (name TEXT, n INTEGER)");
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO tags VALUES (?, ?)")) {
                for (int i = 0; i < 600; i++) {
                    ins.setString(1, "t" + i % 100);
                    ins.setObject(2, i % 100 == 7 ? null : i % 3);
                    ins.executeUpdate(); // each (name, n) twice; t7's, with a NULL, six times
                }
            }
            c.commit();
            // one of each set of twins, through the driver: the ledger records one DELETE (or UPDATE) of a whole row
            assertThat(s.executeUpdate("DELETE FROM tags WHERE rowid IN (SELECT MIN(rowid) FROM tags GROUP BY name, n)")).isEqualTo(298);
            assertThat(s.executeUpdate("UPDATE tags SET n = 5 WHERE rowid IN (SELECT MAX(rowid) FROM tags WHERE name = 't1' GROUP BY n)")).isEqualTo(3);
            c.commit();
        }
        assertThat(count(raw, "SELECT COUNT(*) FROM tags WHERE name = 't7' AND n IS NULL")).isEqualTo(5);
        assertThat(count(raw, "SELECT COUNT(*) FROM tags WHERE name = 't1' AND n = 5")).isEqualTo(3);
        for (long budget : new long[] {StateCheck.DEFAULT_BUDGET, 2048}) {
            assertThat(check(raw, budget)).as("budget " + budget).isEmpty();
        }

        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM tags WHERE rowid = (SELECT MIN(rowid) FROM tags WHERE name = 't7')");
            s.executeUpdate("INSERT INTO tags VALUES ('t1', 5), ('t1', 5)");
            s.executeUpdate("DELETE FROM tags WHERE name = 't2'");
        }
        for (long budget : new long[] {StateCheck.DEFAULT_BUDGET, 2048}) {
            List<Finding> findings = check(raw, budget);
            assertThat(findings).extracting(f -> f.kind() + " " + f.key())
                    .as("budget " + budget)
                    .containsExactlyInAnyOrder("ROW_MISSING {n=NULL, name='t7'}",
                            "ROW_ADDED {n=5, name='t1'}", "ROW_ADDED {n=5, name='t1'}",
                            "ROW_MISSING {n=0, name='t2'}", "ROW_MISSING {n=1, name='t2'}", "ROW_MISSING {n=2, name='t2'}");
            Finding twin = findings.stream().filter(f -> f.key().contains("t7")).findFirst().orElseThrow();
            assertThat(twin.detail()).as(twin.toString()).contains("the ledger has 5, the table 4");
            assertThat(twin.expected()).isEqualTo("{n=NULL, name='t7'}");
            assertThat(findings.stream().filter(f -> f.key().contains("t1")).findFirst().orElseThrow().detail())
                    .contains("the ledger has 3, the table 5");
        }
    }

    /**
     * A key-less table's whole-row keys gain each column ALTER TABLE adds, so rows last written before it are
     * matched on the columns both sides have, still counted: twins written before both ALTERs, rows written
     * between them, rows deleted or moved by their wider image afterwards, all clean; then one old twin deleted
     * and one old row changed behind the driver's back are exactly their findings, in memory and spilled.
     */
    @Test
    void keylessRowsWrittenBeforeAnAddColumnAreMatchedOnTheColumnsBothSidesHave() throws Exception {
        String raw = "jdbc:sqlite:" + dir.resolve("altered.db");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + dir.resolve("altered.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE tags (name TEXT, n INTEGER)");
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO tags VALUES (?, ?)")) {
                for (int i = 0; i < 300; i++) {
                    ins.setString(1, "t" + i % 100);
                    ins.setObject(2, i % 100 == 7 ? null : 1);
                    ins.executeUpdate(); // each row three times
                }
            }
            c.commit();
            s.execute("ALTER TABLE tags ADD COLUMN colour TEXT DEFAULT 'red'");
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO tags VALUES (?, 1, 'red')")) {
                for (int i = 0; i < 100; i++) {
                    ins.setString(1, "t" + i);
                    ins.executeUpdate(); // now equal in the table to the three before it (but t7's)
                }
            }
            c.commit();
            s.execute("ALTER TABLE tags ADD COLUMN size INTEGER");
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO tags VALUES (?, 2, 'blue', ?)")) {
                for (int i = 0; i < 100; i++) {
                    ins.setString(1, "u" + i);
                    ins.setInt(2, i);
                    ins.executeUpdate();
                }
            }
            c.commit();
            // through the driver, old rows by their image now: the ledger records the wider row's DELETE and UPDATE
            assertThat(s.executeUpdate("DELETE FROM tags WHERE rowid IN (SELECT MIN(rowid) FROM tags WHERE name IN ('t3', 't7') GROUP BY name)")).isEqualTo(2);
            assertThat(s.executeUpdate("UPDATE tags SET n = 9 WHERE rowid = (SELECT MIN(rowid) FROM tags WHERE name = 't4')")).isEqualTo(1);
            c.commit();
        }
        for (long budget : new long[] {StateCheck.DEFAULT_BUDGET, 2048}) {
            assertThat(check(raw, budget)).as("budget " + budget).isEmpty();
        }

        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM tags WHERE rowid = (SELECT MIN(rowid) FROM tags WHERE name = 't5')");
            s.executeUpdate("UPDATE tags SET n = 8 WHERE rowid = (SELECT MIN(rowid) FROM tags WHERE name = 't6')");
            s.executeUpdate("DELETE FROM tags WHERE name = 'u3'");
        }
        for (long budget : new long[] {StateCheck.DEFAULT_BUDGET, 2048}) {
            List<Finding> findings = check(raw, budget);
            assertThat(findings).extracting(f -> f.kind() + " " + f.key())
                    .as("budget " + budget)
                    .containsExactlyInAnyOrder("ROW_MISSING {n=1, name='t5'}", "ROW_MISSING {n=1, name='t6'}",
                            "ROW_ADDED {colour='red', n=8, name='t6', size=NULL}", "ROW_MISSING {colour='blue', n=2, name='u3', size=3}");
            assertThat(findings.stream().filter(f -> f.key().contains("t5")).findFirst().orElseThrow().detail())
                    .contains("on the columns both sides have").contains("the ledger has 3, the table 2");
            assertThat(findings.stream().filter(f -> f.key().contains("u3")).findFirst().orElseThrow().detail())
                    .as("written in the ALTER's own entry (seq 4), after it: compared whole")
                    .isEqualTo("fewer rows equal to this one than the ledger says (last changed by seq 4): the ledger has 1, the table 0");
        }
    }

    /**
     * As for keyed rows, a column dropped is absent from the table and a column renamed from both sides' shared
     * columns: rows written before are matched (and counted) on what is left, so only what that shows is found.
     */
    @Test
    void keylessRowsWrittenBeforeADropOrRenameColumnAreMatchedOnTheColumnsLeft() throws Exception {
        String raw = "jdbc:sqlite:" + dir.resolve("dropped.db");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + dir.resolve("dropped.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (name TEXT, n INTEGER, note TEXT)");
            s.executeUpdate("INSERT INTO notes VALUES ('a', 1, 'x'), ('a', 1, 'y'), ('b', 2, 'z')");
            s.execute("ALTER TABLE notes DROP COLUMN note");
            s.executeUpdate("INSERT INTO notes VALUES ('a', 1), ('c', 3)");
            assertThat(check(raw, StateCheck.DEFAULT_BUDGET)).as("after DROP COLUMN").isEmpty();
            s.execute("ALTER TABLE notes RENAME COLUMN n TO m");
            s.executeUpdate("INSERT INTO notes VALUES ('d', 4)");
        }
        for (long budget : new long[] {StateCheck.DEFAULT_BUDGET, 256}) {
            assertThat(check(raw, budget)).as("after RENAME COLUMN, budget " + budget).isEmpty();
        }
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM notes WHERE rowid = (SELECT MIN(rowid) FROM notes WHERE name = 'a')");
            s.executeUpdate("UPDATE notes SET m = 5 WHERE name = 'd'");
            s.executeUpdate("UPDATE notes SET m = 7 WHERE name = 'b'"); // m is not among the columns b's row shares
        }
        for (long budget : new long[] {StateCheck.DEFAULT_BUDGET, 256}) {
            assertThat(check(raw, budget)).extracting(f -> f.kind() + " " + f.key())
                    .as("budget " + budget)
                    .containsExactlyInAnyOrder("ROW_MISSING {name='a'}", "ROW_MISSING {m=4, name='d'}", "ROW_ADDED {m=5, name='d'}");
        }
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The fold alone, entry by entry: INSERT, INSERT and DELETE of one whole row leave one such row. */
    @Test
    void twoInsertsAndADeleteOfOneWholeRowLeaveOneRowExpected() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("w.db");
        Row row = Row.of("kind", Value.of("a"), "n", Value.of(1));
        Row moved = Row.of("kind", Value.of("a"), "n", Value.of(2));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<LedgerEntry> entries = List.of(
                new LedgerEntry(1, "n", t, "t1", List.of(RowChange.insert("events", row, row), RowChange.insert("events", row, row),
                        RowChange.insert("events", row, row))),
                new LedgerEntry(2, "n", t, "t2", List.of(RowChange.delete("events", row, row))),
                new LedgerEntry(3, "n", t, "t3", List.of(RowChange.update("events", row, row, moved))));
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            io.ledgerjdbc.ledger.store.LedgerSchema.createIfMissing(c, SqlDialect.SQLITE);
            s.execute("CREATE TABLE events (kind TEXT, n INTEGER)");
            s.executeUpdate("INSERT INTO events VALUES ('a', 1), ('a', 2)");
            assertThat(fold(entries, c)).isEmpty();
            s.executeUpdate("DELETE FROM events WHERE n = 1");
            assertThat(fold(entries, c)).extracting(f -> f.kind() + " " + f.seq() + " " + f.key() + " " + f.detail())
                    .containsExactly("ROW_MISSING 3 {kind='a', n=1} fewer rows equal to this one than the ledger says (last changed by seq 3):"
                            + " the ledger has 1, the table 0");
            s.executeUpdate("INSERT INTO events VALUES ('a', 1), ('a', 1), ('a', 2)");
            assertThat(fold(entries, c)).extracting(f -> f.kind() + " " + f.key() + " " + f.detail())
                    .containsExactly("ROW_ADDED {kind='a', n=1} more rows equal to this one than the ledger recorded: the ledger has 1, the table 2",
                            "ROW_ADDED {kind='a', n=2} more rows equal to this one than the ledger recorded: the ledger has 1, the table 2");
        }
    }

    @Test
    void renameTargetsAreReadFromBothSpellings() {
        assertThat(StateCheck.renameTarget("ALTER TABLE t RENAME TO u")).isEqualTo("u");
        assertThat(StateCheck.renameTarget("alter table \"T\" rename to \"New Name\"")).isEqualTo("\"New Name\"");
        assertThat(StateCheck.renameTarget("RENAME TABLE a TO s.b")).isEqualTo("s.b");
        assertThat(StateCheck.renameTarget("ALTER TABLE t RENAME COLUMN a TO b")).isNull();
    }

    @Test
    void anUpdateThatChangesOneColumnOfACompositeKeyMovesTheRow() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("k.db");
        Row key = Row.of("a", Value.of(1), "b", Value.of(1));
        Row before = Row.of("a", Value.of(1), "b", Value.of(1), "v", Value.of("x"));
        Row after = Row.of("a", Value.of(1), "b", Value.of(2), "v", Value.of("y"));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<LedgerEntry> entries = List.of(
                new LedgerEntry(1, "n", t, "t1", List.of(RowChange.insert("pairs", key, before))),
                new LedgerEntry(2, "n", t, "t2", List.of(RowChange.update("pairs", key, before, after))));
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            io.ledgerjdbc.ledger.store.LedgerSchema.createIfMissing(c, SqlDialect.SQLITE); // empty: findings name no image
            s.execute("CREATE TABLE pairs (a INTEGER, b INTEGER, v TEXT, PRIMARY KEY (a, b))");
            s.executeUpdate("INSERT INTO pairs VALUES (1, 2, 'y')");
            assertThat(fold(entries, c)).isEmpty();
            s.executeUpdate("UPDATE pairs SET b = 1");
            assertThat(fold(entries, c)).extracting(f -> f.kind() + " " + f.key())
                    .containsExactlyInAnyOrder("ROW_MISSING {a=1, b=2}", "ROW_ADDED {a=1, b=1}");
        }
    }

    private static List<Finding> fold(List<LedgerEntry> entries, Connection c) throws Exception {
        List<Finding> findings = new ArrayList<>();
        try (StateCheck state = new StateCheck()) {
            entries.forEach(state::visit);
            state.compare(c, SqlDialect.SQLITE, findings::add);
        }
        return findings;
    }
}
