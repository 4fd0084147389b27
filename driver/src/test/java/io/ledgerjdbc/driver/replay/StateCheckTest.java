package io.ledgerjdbc.driver.replay;

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
