package io.ledgerjdbc.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An H2 database kept in files is opened with {@code WRITE_DELAY 0} (each commit in the file before it returns), so a
 * crash cannot leave part of a transaction — a change without its entry — unless the URL chose another delay.
 */
class H2WriteDelayTest {

    @TempDir
    Path dir;

    private static String writeDelay(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aFileDatabaseOpenedThroughTheLedgerWritesEachCommitAtOnceAndKeepsIt() throws Exception {
        String raw = "jdbc:h2:" + dir.resolve("db");
        try (Connection c = DriverManager.getConnection(raw, "sa", "")) {
            assertThat(writeDelay(c)).as("H2's own default").isEqualTo("500");
        }
        try (Connection c = DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("db"), "sa", "")) {
            assertThat(writeDelay(c)).isEqualTo("0");
        }
        try (Connection c = DriverManager.getConnection(raw, "sa", "")) {
            assertThat(writeDelay(c)).as("a setting of the database: raw connections see it too").isEqualTo("0");
        }
    }

    @Test
    void aDelayTheUrlSetsStands() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("db") + ";write_delay=100", "sa", "")) {
            assertThat(writeDelay(c)).isEqualTo("100");
        }
    }

    @Test
    void aUserWithoutAdminRightsStillConnectsAndTheDatabaseKeepsItsDelay() throws Exception {
        String raw = "jdbc:h2:" + dir.resolve("db");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("db"), "sa", "")) {
            assertThat(writeDelay(c)).isEqualTo("0"); // the ledger's tables now exist
        }
        try (Connection c = DriverManager.getConnection(raw, "sa", ""); Statement s = c.createStatement()) {
            s.execute("SET WRITE_DELAY 500"); // as an operator could
            s.execute("CREATE USER clerk PASSWORD 'pw'");
            s.execute("GRANT ALL ON SCHEMA PUBLIC TO clerk");
        }
        // the driver remembers a database per URL and process: another spelling of the same file is opened afresh
        Properties clerk = new Properties();
        clerk.setProperty("user", "clerk");
        clerk.setProperty("password", "pw");
        clerk.setProperty("ledger.create", "false"); // CREATE TABLE IF NOT EXISTS needs the schema's owner
        try (Connection c = DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("db") + ";IFEXISTS=TRUE", clerk)) {
            assertThat(c.isValid(1)).isTrue();
            assertThat(writeDelay(c)).isEqualTo("500");
        }
    }

    @Test
    void aDelayThePropertiesSetStands() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "sa");
        p.setProperty("password", "");
        p.setProperty("WRITE_DELAY", "200");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("db"), p)) {
            assertThat(writeDelay(c)).isEqualTo("200");
        }
    }

    @Test
    void databasesInMemoryAreLeftAsTheyAre() {
        assertThat(H2Backend.inMemory("jdbc:h2:mem:x")).isTrue();
        assertThat(H2Backend.inMemory("jdbc:h2:tcp://localhost:9092/mem:x")).isTrue();
        assertThat(H2Backend.inMemory("jdbc:h2:memFS:x")).isTrue();
        assertThat(H2Backend.inMemory("jdbc:h2:tcp://localhost/~/db")).isFalse();
        assertThat(H2Backend.inMemory("jdbc:h2:/var/lib/app/memo")).isFalse();
    }

    @Test
    void theUrlSettingIsReadInAnyCaseAndPosition() {
        assertThat(H2Backend.urlSetting("jdbc:h2:/x/db;MODE=PostgreSQL;Write_Delay=7", "WRITE_DELAY")).isEqualTo("7");
        assertThat(H2Backend.urlSetting("jdbc:h2:/x/db;WRITE_DELAY=0;MODE=MySQL", "write_delay")).isEqualTo("0");
        assertThat(H2Backend.urlSetting("jdbc:h2:/x/db;INIT=SET WRITE_DELAY\\;X=1", "WRITE_DELAY")).isNull();
        assertThat(H2Backend.urlSetting("jdbc:h2:/x/write_delay=3", "WRITE_DELAY")).isNull();
    }
}
