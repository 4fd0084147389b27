package io.ledgerjdbc.driver;

import io.ledgerjdbc.ledger.store.SqlStates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;

/**
 * Opening a database that must exist already: the CLI never creates one, nor does the driver with
 * {@code ledger.create=false}. SQLite creates a missing file on connect and H2 a missing database; both are told
 * not to (SQLite's open flags without {@code SQLITE_OPEN_CREATE}, H2's {@code IFEXISTS=TRUE}), so nothing is left
 * behind, and a missing SQLite file is reported by name first. PostgreSQL and MariaDB never create a database on
 * connect.
 */
public final class ExistingDatabase {

    /** sqlite-jdbc's open flags: SQLITE_OPEN_READWRITE alone (its default adds SQLITE_OPEN_CREATE). */
    private static final String SQLITE_READ_WRITE = "2";

    private ExistingDatabase() {
    }

    /**
     * {@code props} plus what keeps the real driver from creating {@code rawUrl}'s database; a setting the user
     * gave (in the URL or the properties) stands.
     */
    public static Properties noCreate(String rawUrl, Properties props) {
        Properties p = new Properties();
        p.putAll(props);
        String url = rawUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:sqlite:") && !url.contains("open_mode") && !props.containsKey("open_mode")) {
            p.setProperty("open_mode", SQLITE_READ_WRITE);
        } else if (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:") && !url.contains(";ifexists=")
                && props.stringPropertyNames().stream().noneMatch(k -> k.equalsIgnoreCase("IFEXISTS"))) {
            p.setProperty("IFEXISTS", "TRUE");
        }
        return p;
    }

    /** Fails, naming the file, when {@code rawUrl} is an SQLite file that does not exist (other URLs pass). */
    public static void requireFile(String rawUrl) throws SQLException {
        Path file = sqliteFile(rawUrl);
        if (file != null && !Files.exists(file)) {
            throw new SQLException("no such SQLite database: " + file + " does not exist", SqlStates.UNABLE_TO_CONNECT);
        }
    }

    /** The file of an SQLite URL ({@code jdbc:sqlite:app.db}, {@code jdbc:sqlite:file:app.db?…}); null for memory or other URLs. */
    static Path sqliteFile(String rawUrl) {
        if (!rawUrl.regionMatches(true, 0, "jdbc:sqlite:", 0, 12)) {
            return null;
        }
        String rest = rawUrl.substring(12);
        int query = rest.indexOf('?');
        String params = query < 0 ? "" : rest.substring(query).toLowerCase(Locale.ROOT);
        String name = query < 0 ? rest : rest.substring(0, query);
        if (name.startsWith("file:")) {
            name = name.substring(5);
        }
        if (name.isEmpty() || name.equals(":memory:") || name.startsWith(":resource:") || params.contains("mode=memory")) {
            return null;
        }
        return Path.of(name);
    }
}
