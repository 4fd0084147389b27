package io.ledgerjdbc.cli;

import io.ledgerjdbc.driver.LedgerUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** How the CLI reaches a database: a ledger or raw JDBC URL plus credentials and driver properties. */
final class ConnectionOptions {

    @Option(names = "--user", description = "Database user.")
    String user;

    @Option(names = "--password", arity = "0..1", interactive = true,
            description = "Database password; without a value it is asked for (so it stays out of ps and history). "
                    + "Default: the environment variable LEDGER_PASSWORD.")
    String password;

    @Option(names = "--property", paramLabel = "KEY=VALUE", description = "A connection property for the real driver (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    /** The URL with any password parameter's value hidden, for messages. */
    static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** Opens the database behind {@code url} with the real driver: the tool reads the ledger as stored. */
    Connection open(String url) throws SQLException {
        Properties p = new Properties();
        p.putAll(properties);
        if (user != null) p.setProperty("user", user);
        String pw = password != null ? password : System.getenv("LEDGER_PASSWORD");
        if (pw != null) p.setProperty("password", pw);
        String raw = LedgerUrls.rawUrl(url);
        try {
            return DriverManager.getConnection(raw, p);
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + redacted(raw) + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }
}
