package io.ledgerjdbc.driver;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opening a database that must exist already: the CLI never creates one, nor does the driver with
 * {@code ledger.create=false}. SQLite creates a missing file on connect and H2 a missing database; their backends
 * tell the real driver not to ({@link Backend#refuseCreate}), so nothing is left behind, and a missing SQLite file is
 * reported by name first. PostgreSQL and MariaDB never create a database on connect.
 */
public final class ExistingDatabase {

    private ExistingDatabase() {
    }

    /**
     * {@code props} plus what keeps the real driver from creating {@code rawUrl}'s database; a setting the user
     * gave (in the URL or the properties) stands.
     */
    public static Properties noCreate(String rawUrl, Properties props) {
        Properties p = new Properties();
        p.putAll(props);
        Backend.forUrl(rawUrl).ifPresent(b -> b.refuseCreate(rawUrl, p));
        return p;
    }

    /** Fails, naming the file, when {@code rawUrl} is an SQLite file that does not exist (other URLs pass). */
    public static void requireFile(String rawUrl) throws SQLException {
        Path file = sqliteFile(rawUrl);
        if (file != null && !Files.exists(file)) {
            throw new SQLException("no such SQLite database: " + file + " does not exist", SqlStates.UNABLE_TO_CONNECT);
        }
    }

    /**
     * The file of a URL whose database is one file created on connect: an SQLite URL ({@code jdbc:sqlite:app.db},
     * {@code jdbc:sqlite:file:app.db?…}); null for memory or other URLs.
     */
    static Path sqliteFile(String rawUrl) {
        return Backend.forUrl(rawUrl).map(b -> b.databaseFile(rawUrl)).orElse(null);
    }
}
