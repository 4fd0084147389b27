package io.ledgerjdbc.driver.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.FindingKind;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import java.nio.file.Path;
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
}
