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

    @Option(names = "--password", description = "Database password.", interactive = false)
    String password;

    @Option(names = "--property", paramLabel = "KEY=VALUE", description = "A connection property for the real driver (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    /** Opens the database behind {@code url} with the real driver: the tool reads the ledger as stored. */
    Connection open(String url) throws SQLException {
        Properties p = new Properties();
        p.putAll(properties);
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        String raw = LedgerUrls.rawUrl(url);
        try {
            return DriverManager.getConnection(raw, p);
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + raw + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }
}
