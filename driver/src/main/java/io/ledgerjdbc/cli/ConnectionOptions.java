package io.ledgerjdbc.cli;

import io.ledgerjdbc.driver.ExistingDatabase;
import io.ledgerjdbc.driver.LedgerUrls;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * How the CLI reaches a database: a ledger or raw JDBC URL plus credentials and driver properties. The CLI reads
 * what is there and never creates a database: a missing SQLite file or H2 database is an error naming it.
 */
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

    /** Opens the database behind {@code url} with the real driver (the tool reads the ledger as stored), creating nothing. */
    Connection open(String url) throws SQLException, UserError {
        String hint = LedgerUrls.hint(url);
        if (hint != null) {
            throw new UserError(hint);
        }
        Properties p = new Properties();
        p.putAll(properties);
        if (user != null) p.setProperty("user", user);
        String pw = password != null ? password : System.getenv("LEDGER_PASSWORD");
        if (pw != null) p.setProperty("password", pw);
        String raw = LedgerUrls.rawUrl(url);
        try {
            ExistingDatabase.requireFile(raw);
        } catch (SQLException missing) {
            throw new UserError(missing.getMessage() + " (the CLI creates none)");
        }
        try {
            return DriverManager.getConnection(raw, ExistingDatabase.noCreate(raw, p));
        } catch (SQLException e) {
            if (e.getErrorCode() == 90146) { // H2: database not found (IFEXISTS)
                throw new UserError("no such H2 database: " + redacted(raw) + " (H2 finds no database file there; the CLI creates none)", e);
            }
            if (e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
                throw new UserError("no JDBC driver for " + redacted(raw) + ": this tool reads jdbc:sqlite:, jdbc:h2:, jdbc:postgresql: "
                        + "and jdbc:mariadb: URLs (with or without ledger: after jdbc:)", e);
            }
            throw new SQLException("cannot connect to " + redacted(raw) + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }

    /**
     * As {@link #openLedgerAsStored}, and on a version-2 ledger (PostgreSQL, MariaDB) the entries committed but not yet
     * sealed are sealed first, as any writer's sealer would, so history, proofs, digests and comparisons include every
     * committed transaction. Where that is not allowed (a read-only role) the commands read the sealed ledger.
     */
    Connection openLedger(String url) throws SQLException, UserError {
        Connection c = openLedgerAsStored(url);
        try {
            io.ledgerjdbc.driver.database.Sealer.sealAll(c);
        } catch (SQLException cannot) {
            // read-only access: what is sealed is what these commands show; verify counts the rest as the tail
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
        return c;
    }

    /** As {@link #open}, and the database must hold a ledger this version reads; nothing is written. */
    Connection openLedgerAsStored(String url) throws SQLException, UserError {
        Connection c = open(url);
        try {
            if (!LedgerSchema.exists(c)) {
                throw new UserError("no ledger in " + redacted(url) + ": the database has no ledger_meta table (a ledger is created by "
                        + "the first connection through jdbc:ledger:…)");
            }
            LedgerSchema.checkVersion(c);
            return c;
        } catch (SQLException | UserError | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
