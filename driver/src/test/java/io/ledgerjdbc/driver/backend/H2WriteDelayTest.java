package io.ledgerjdbc.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every connection to an H2 database kept in files sets {@code WRITE_DELAY 0} (each commit in the file before it
 * returns), so a crash cannot leave part of a transaction — a change without its entry — unless the URL or the
 * properties chose another delay.
 */
class H2WriteDelayTest {

    @TempDir
    Path dir;

    /**
     * H2 lists WRITE_DELAY once when it was never set, and twice once set: the value it records and the value in
     * force (which, after H2 reopened the database, is its default again).
     */
    private static List<String> writeDelay(Connection c) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    @Test
    void everyConnectionToAFileDatabaseWritesEachCommitAtOnceAlsoAfterH2ReopenedIt() throws Exception {
        String raw = "jdbc:h2:" + dir.resolve("db");
        try (Connection c = DriverManager.getConnection(raw, "sa", "")) {
            assertThat(writeDelay(c)).as("H2's own default").containsOnly("500");
        }
        try (Connection c = DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("db"), "sa", "")) {
            assertThat(writeDelay(c)).containsOnly("0");
        }
        try (Connection c = DriverManager.getConnection(raw, "sa", "")) {
            assertThat(writeDelay(c)).as("H2 reopened the database: recorded 0, in force its default again").containsExactly("0", "500");
        }
        try (Connection c = DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("db"), "sa", "")) {
            assertThat(writeDelay(c)).as("the driver sets it again").containsOnly("0");
        }
    }

    @Test
    void aDelayTheUrlSetsStands() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("db") + ";write_delay=100", "sa", "")) {
            assertThat(writeDelay(c)).containsOnly("100");
        }
    }

    @Test
    void aUserWithoutAdminRightsStillConnectsAndTheDatabaseKeepsItsDelay() throws Exception {
        String raw = "jdbc:h2:" + dir.resolve("db");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("db"), "sa", "")) {
            assertThat(writeDelay(c)).containsOnly("0"); // the ledger's tables now exist
        }
        try (Connection c = DriverManager.getConnection(raw, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE USER clerk PASSWORD 'pw'");
            s.execute("GRANT ALL ON SCHEMA PUBLIC TO clerk");
        }
        Properties clerk = new Properties();
        clerk.setProperty("user", "clerk");
        clerk.setProperty("password", "pw");
        clerk.setProperty("ledger.create", "false"); // CREATE TABLE IF NOT EXISTS needs the schema's owner
        try (Connection c = DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("db"), clerk)) {
            assertThat(c.isValid(1)).isTrue();
            assertThat(writeDelay(c)).as("reopened by a user who may not set it").contains("500");
        }
    }

    @Test
    void aDelayThePropertiesSetStands() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "sa");
        p.setProperty("password", "");
        p.setProperty("WRITE_DELAY", "200");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("db"), p)) {
            assertThat(writeDelay(c)).containsOnly("200");
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
