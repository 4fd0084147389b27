package io.ledgerjdbc.examples.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HibernateHikariAppTest {

    static long entries(String rawUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(rawUrl, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ledger_entry")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theJpaAppRunsThroughTheLedgerTwiceAndItsLedgerVerifiesClean(@TempDir Path dir) throws Exception {
        String file = dir.resolve("shop").toAbsolutePath().toString();
        assertThat(HibernateHikariApp.run("jdbc:ledger:h2:" + file)).isEmpty();
        long afterFirst = entries("jdbc:h2:" + file);
        assertThat(afterFirst).as("schema, stock, customer, orders, shipping, cancelling, renaming").isGreaterThanOrEqualTo(10);
        assertThat(HibernateHikariApp.run("jdbc:ledger:h2:" + file)).as("hbm2ddl=update on the second run").isEmpty();
        assertThat(entries("jdbc:h2:" + file)).isGreaterThan(afterFirst);
    }
}
