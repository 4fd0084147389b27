package io.ledgerjdbc.examples.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlywayAppTest {

    static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void migrationsRunOnceThroughTheLedgerAndARerunRecordsNothing(@TempDir Path dir) throws Exception {
        String file = dir.resolve("bank").toAbsolutePath().toString();
        assertThat(FlywayApp.migrate("jdbc:ledger:h2:" + file)).isEqualTo(2);
        long entries = count("jdbc:h2:" + file, "SELECT COUNT(*) FROM ledger_entry");
        assertThat(FlywayApp.migrate("jdbc:ledger:h2:" + file)).isZero();
        assertThat(count("jdbc:h2:" + file, "SELECT COUNT(*) FROM ledger_entry")).isEqualTo(entries);
        assertThat(count("jdbc:h2:" + file, "SELECT COUNT(*) FROM account WHERE currency = 'USD'")).isEqualTo(1);
    }
}
