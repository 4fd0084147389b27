package io.ledgerjdbc.ledger.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The real databases the ledger is tested on. Each {@link #open()} gives a fresh, empty database: a new file,
 * a new in-memory database, or a new schema on the PostgreSQL and MariaDB servers of this machine. With
 * CI=true an unreachable server fails the test; elsewhere it skips it with the reason.
 */
public enum Backend {
    SQLITE, H2_FILE, H2_MEM, POSTGRESQL, MARIADB;

    public static final String PG_URL = System.getProperty("ledgerjdbc.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = System.getProperty("ledgerjdbc.pg.user", "postgres");
    public static final String MARIADB_URL = System.getProperty("ledgerjdbc.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/");
    public static final String MARIADB_USER = System.getProperty("ledgerjdbc.mariadb.user", "root");

    /** A fresh empty database; {@link Db#close()} removes it. */
    public Db open() throws SQLException, IOException {
        String name = "lt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        switch (this) {
            case SQLITE -> {
                Path dir = Files.createTempDirectory("ledger-sqlite");
                return new Db(this, "jdbc:sqlite:" + dir.resolve("test.db"), null, null, () -> deleteTree(dir));
            }
            case H2_FILE -> {
                Path dir = Files.createTempDirectory("ledger-h2");
                return new Db(this, "jdbc:h2:" + dir.resolve("test").toAbsolutePath(), "sa", "", () -> deleteTree(dir));
            }
            case H2_MEM -> {
                return new Db(this, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "", () -> {
                    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:" + name, "sa", "");
                         Statement s = c.createStatement()) {
                        s.execute("SHUTDOWN");
                    }
                });
            }
            case POSTGRESQL -> {
                try (Connection admin = server(PG_URL, PG_USER); Statement s = admin.createStatement()) {
                    s.execute("CREATE SCHEMA " + name);
                }
                return new Db(this, PG_URL + "?currentSchema=" + name, PG_USER, "", () -> {
                    try (Connection admin = server(PG_URL, PG_USER); Statement s = admin.createStatement()) {
                        s.execute("DROP SCHEMA " + name + " CASCADE");
                    }
                });
            }
            case MARIADB -> {
                try (Connection admin = server(MARIADB_URL, MARIADB_USER); Statement s = admin.createStatement()) {
                    s.execute("CREATE DATABASE " + name);
                }
                return new Db(this, MARIADB_URL + name, MARIADB_USER, "", () -> {
                    try (Connection admin = server(MARIADB_URL, MARIADB_USER); Statement s = admin.createStatement()) {
                        s.execute("DROP DATABASE " + name);
                    }
                });
            }
            default -> throw new IllegalStateException();
        }
    }

    private static Connection server(String url, String user) throws SQLException {
        try {
            return DriverManager.getConnection(url, user, "");
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new SQLException("CI=true and the server at " + url + " is unreachable: " + e.getMessage(), e);
            }
            Assumptions.abort("server at " + url + " is unreachable (" + e.getMessage() + "); set CI=true to fail instead");
            throw e;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    interface Cleanup {
        void run() throws Exception;
    }

    /** A test database: open as many connections as needed; close removes it. */
    public static final class Db implements AutoCloseable {
        public final Backend backend;
        public final String url;
        private final String user;
        private final String password;
        private final Cleanup cleanup;

        Db(Backend backend, String url, String user, String password, Cleanup cleanup) {
            this.backend = backend;
            this.url = url;
            this.user = user;
            this.password = password;
            this.cleanup = cleanup;
        }

        public Connection connect() throws SQLException {
            return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
        }

        @Override
        public void close() throws Exception {
            cleanup.run();
        }
    }
}
