package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.store.Backend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Statement shapes ORMs generate that hand-written SQL rarely uses: a target table with an alias (Hibernate's
 * bulk JPQL) and an identity key given as {@code DEFAULT} (Hibernate on H2). Same results as the raw driver,
 * ledger clean and replayable.
 */
class OrmShapedWritesTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aliasedUpdatesAndDeletesAndDefaultKeysBehaveAsRaw(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(CaptureSuiteTest.accountsDdl(backend));
            CaptureSuiteTest.Script script = (c, seen) -> {
                String insert = backend == Backend.SQLITE
                        ? "INSERT INTO accounts (owner, balance) VALUES (?, ?)" // SQLite has no DEFAULT value keyword
                        : "INSERT INTO accounts (id, owner, balance) VALUES (DEFAULT, ?, ?)";
                try (PreparedStatement ps = c.prepareStatement(insert, new String[] {"id"})) {
                    for (int i = 1; i <= 6; i++) {
                        ps.setString(1, "o" + i);
                        ps.setInt(2, i * 10);
                        ps.executeUpdate();
                        try (ResultSet keys = ps.getGeneratedKeys()) {
                            keys.next();
                            seen.add("key " + keys.getLong(1));
                        }
                    }
                }
                String as = backend == Backend.MARIADB ? " " : " AS ";
                try (PreparedStatement ps = c.prepareStatement("UPDATE accounts" + as + "a1_0 SET balance = (a1_0.balance + 1) WHERE a1_0.balance < ?")) {
                    ps.setInt(1, 35);
                    seen.add("updated " + ps.executeUpdate());
                }
                // MariaDB has no alias on a single-table DELETE: its own error must reach the caller, as raw
                CaptureSuiteTest.attempt(seen, () -> {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM accounts" + as + "a1_0 WHERE a1_0.owner IN (?, ?)")) {
                        ps.setString(1, "o2");
                        ps.setString(2, "o5");
                        seen.add("deleted " + ps.executeUpdate());
                    }
                });
                CaptureSuiteTest.query(c, "SELECT id, owner, balance FROM accounts ORDER BY id", seen);
            };
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = CaptureSuiteTest.observe(l, script);
                viaRaw = CaptureSuiteTest.observe(r, script);
            }
            assertThat(viaLedger).isEqualTo(viaRaw).contains("updated 3");
            if (backend != Backend.MARIADB) assertThat(viaLedger).contains("deleted 2");
            assertThat(f.verify()).isEmpty();
            for (List<?> table : f.replayAndCompare("accounts")) {
                assertThat(table.get(2)).isEqualTo(table.get(1));
            }
        }
    }
}
