package io.ledgerjdbc.examples.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbiAppTest {

    @Test
    void theJdbiDaoWritesThroughTheLedger(@TempDir Path dir) throws Exception {
        String file = dir.resolve("notes.db").toString();
        assertThat(JdbiApp.run("jdbc:ledger:sqlite:" + file)).extracting(JdbiApp.Note::body)
                .containsExactly("edited", "hello from grace", "hello from edsger");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ledger_entry")) {
            rs.next();
            assertThat(rs.getLong(1)).as("create, insert, batch, update").isEqualTo(4);
        }
    }
}
