package io.ledgerjdbc.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What getConnection says to a URL or option that cannot work, and that it leaves nothing behind. */
class ConnectErrorsTest {

    @TempDir
    Path dir;

    private static Properties noCreate() {
        Properties p = new Properties();
        p.setProperty("ledger.create", "false");
        return p;
    }

    @Test
    void createFalseOnAMissingSqliteFileNamesItAndLeavesNoFile() {
        Path missing = dir.resolve("missing.db");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:ledger:sqlite:" + missing, noCreate()))
                .isInstanceOf(SQLException.class).hasMessageContaining("no such SQLite database: " + missing + " does not exist");
        assertThat(missing).doesNotExist();
    }

    @Test
    void createFalseOnAMissingH2DatabaseLeavesNoFile() throws Exception {
        Properties p = noCreate();
        p.setProperty("user", "sa");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:ledger:h2:" + dir.resolve("nope"), p))
                .isInstanceOf(SQLException.class).satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(90146));
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void createFalseOnADatabaseWithoutALedgerRefusesAndChangesNothing() throws Exception {
        Path file = dir.resolve("plain.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        }
        long size = Files.size(file);
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:ledger:sqlite:" + file, noCreate()))
                .isInstanceOf(SQLException.class).hasMessageContaining("no ledger in");
        assertThat(Files.size(file)).isEqualTo(size);
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + file)) {
            assertThat(c.isValid(1)).as("with the default ledger.create=true the same file gets its ledger").isTrue();
        }
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + file, noCreate())) {
            assertThat(c.isValid(1)).as("and create=false then opens it").isTrue();
        }
    }

    @Test
    void urlMistakesSayWhatToWrite() {
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:ledger:"))
                .isInstanceOf(SQLException.class).hasMessageContaining("names no database").hasMessageContaining("jdbc:ledger:sqlite:app.db");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:ledger:jdbc:sqlite:x.db"))
                .isInstanceOf(SQLException.class).hasMessageContaining("write jdbc:ledger:sqlite:x.db");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:ledger:sqllite:x.db"))
                .isInstanceOf(SQLException.class).hasMessageContaining("no JDBC driver for jdbc:sqllite:x.db");
        assertThat(dir.resolve("x.db")).doesNotExist();
    }

    @Test
    void aMissingConfigFileIsNamedWithWhatIsWrong() {
        Properties p = new Properties();
        p.setProperty("ledger.config", "/nonexistent/ledger.properties");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:ledger:sqlite:" + dir.resolve("a.db"), p))
                .isInstanceOf(SQLException.class)
                .hasMessage("ledger.config: cannot read the options file /nonexistent/ledger.properties: no such file or directory")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("HY024"));
        assertThat(dir.resolve("a.db")).doesNotExist();
    }

    @Test
    void hintsLeaveWellFormedUrlsAlone() {
        assertThat(LedgerUrls.hint("jdbc:ledger:sqlite:app.db")).isNull();
        assertThat(LedgerUrls.hint("jdbc:postgresql://h/db")).isNull();
        assertThat(LedgerUrls.hint("app.db")).contains("jdbc:sqlite:app.db");
        assertThat(ExistingDatabase.sqliteFile("jdbc:sqlite::memory:")).isNull();
        assertThat(ExistingDatabase.sqliteFile("jdbc:sqlite:")).isNull();
        assertThat(ExistingDatabase.sqliteFile("jdbc:sqlite:file:a.db?mode=memory&cache=shared")).isNull();
        assertThat(ExistingDatabase.sqliteFile("jdbc:sqlite:file:a.db?cache=shared")).isEqualTo(Path.of("a.db"));
        assertThat(ExistingDatabase.sqliteFile("jdbc:sqlite:/x/y.db")).isEqualTo(Path.of("/x/y.db"));
    }
}
