package io.ledgerjdbc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One fresh, empty database of a benchmark backend; {@link #close()} removes it. Every harness makes a new one per
 * measured round, so no round inherits another's rows, ledger, caches or bloat.
 *
 * <p>Backends: {@code h2mem}, {@code h2file} ({@code WRITE_DELAY=0}, as the ledger driver opens an H2 file:
 * each commit written before it returns, on both sides), {@code sqlite-normal} and {@code sqlite-full} (WAL with
 * {@code synchronous=NORMAL} / {@code FULL}, {@code busy_timeout=10000}), {@code postgresql} (a new schema on the
 * server, dropped after) and {@code mariadb} (a new database on the server, dropped after). Names carry the run
 * id and a counter, so benchmarks and tests of other engineers on the same servers never meet.
 */
final class BenchDatabase implements AutoCloseable {

    static final List<String> BACKENDS = List.of("h2mem", "h2file", "sqlite-normal", "sqlite-full", "postgresql", "mariadb");

    /** Where the two servers are; {@code -Dledgerjdbc.pg.url} etc. as in the tests, or the harness options. */
    static final class Servers {
        String pgUrl = System.getProperty("ledgerjdbc.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
        String pgUser = System.getProperty("ledgerjdbc.pg.user", "postgres");
        /** The server URL ending in {@code /}: the database name is appended. */
        String mariadbUrl = System.getProperty("ledgerjdbc.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/");
        String mariadbUser = System.getProperty("ledgerjdbc.mariadb.user", "root");

        /** Consumes a server option ({@code --pg-url}, {@code --pg-user}, {@code --mariadb-url}, {@code --mariadb-user}). */
        boolean accept(String option, String value) {
            switch (option) {
                case "--pg-url" -> pgUrl = value;
                case "--pg-user" -> pgUser = value;
                case "--mariadb-url" -> mariadbUrl = value.endsWith("/") ? value : value + "/";
                case "--mariadb-user" -> mariadbUser = value;
                default -> {
                    return false;
                }
            }
            return true;
        }

        static boolean isOption(String option) {
            return List.of("--pg-url", "--pg-user", "--mariadb-url", "--mariadb-user").contains(option);
        }

        /** Null when the backend is embedded or its server answers; else why it cannot be used. */
        String unreachable(String backend) {
            if (!isServer(backend)) return null;
            try (Connection c = admin(backend)) {
                return c.isValid(2) ? null : backend + " did not answer";
            } catch (SQLException e) {
                return backend + " not reachable at " + adminUrl(backend) + ": " + e.getMessage();
            }
        }

        Connection admin(String backend) throws SQLException {
            return DriverManager.getConnection(adminUrl(backend), props(backend));
        }

        String adminUrl(String backend) {
            return backend.equals("postgresql") ? pgUrl : mariadbUrl;
        }

        Properties props(String backend) {
            Properties p = new Properties();
            switch (backend) {
                case "postgresql" -> p.setProperty("user", pgUser);
                case "mariadb" -> {
                    p.setProperty("user", mariadbUser);
                    p.setProperty("password", "");
                }
                case "h2mem", "h2file" -> p.setProperty("user", "sa");
                default -> {
                }
            }
            return p;
        }
    }

    private static final AtomicLong COUNTER = new AtomicLong();
    private static final long RUN_ID = System.currentTimeMillis() % 1_000_000;

    final String backend;
    /** The raw driver's URL; {@link #ledgerUrl()} is the same database through the ledger driver. */
    final String rawUrl;
    /** Connection properties (user) for both URLs. */
    final Properties props;
    private final Servers servers;
    private final Path dir;
    private final String serverName;

    private BenchDatabase(String backend, String rawUrl, Servers servers, Path dir, String serverName) {
        this.backend = backend;
        this.rawUrl = rawUrl;
        this.props = servers.props(backend);
        this.servers = servers;
        this.dir = dir;
        this.serverName = serverName;
    }

    static boolean isServer(String backend) {
        return backend.equals("postgresql") || backend.equals("mariadb");
    }

    /**
     * A fresh database. {@code sqliteParams} is appended to an SQLite URL (e.g. {@code &foreign_keys=true});
     * the other backends ignore it.
     */
    static BenchDatabase fresh(String backend, Servers servers, String prefix, String sqliteParams) throws SQLException, IOException {
        String name = prefix + "_" + RUN_ID + "_" + COUNTER.incrementAndGet();
        switch (backend) {
            case "h2mem":
                return new BenchDatabase(backend, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", servers, null, null);
            case "h2file": {
                Path dir = Files.createTempDirectory("ledgerbench-h2-");
                return new BenchDatabase(backend, "jdbc:h2:" + dir.toAbsolutePath() + "/db;WRITE_DELAY=0", servers, dir, null);
            }
            case "sqlite-normal":
            case "sqlite-full": {
                Path dir = Files.createTempDirectory("ledgerbench-sqlite-");
                String sync = backend.equals("sqlite-full") ? "FULL" : "NORMAL";
                return new BenchDatabase(backend, "jdbc:sqlite:" + dir.toAbsolutePath() + "/db.sqlite?journal_mode=WAL&synchronous="
                        + sync + "&busy_timeout=10000" + (sqliteParams == null ? "" : sqliteParams), servers, dir, null);
            }
            case "postgresql": {
                try (Connection c = servers.admin(backend); Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA " + name);
                }
                String base = servers.pgUrl;
                return new BenchDatabase(backend, base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name, servers, null, name);
            }
            case "mariadb": {
                try (Connection c = servers.admin(backend); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + name);
                }
                return new BenchDatabase(backend, servers.mariadbUrl + name, servers, null, name);
            }
            default:
                throw new IllegalArgumentException("unknown backend " + backend + " (one of " + BACKENDS + ")");
        }
    }

    String ledgerUrl() {
        return "jdbc:ledger:" + rawUrl.substring("jdbc:".length());
    }

    String url(boolean ledger) {
        return ledger ? ledgerUrl() : rawUrl;
    }

    Connection connect(boolean ledger) throws SQLException {
        return DriverManager.getConnection(url(ledger), props(ledger));
    }

    /** The connection properties; the ledger side's carry {@link #SEAL} when set. */
    Properties props(boolean ledger) {
        if (!ledger || SEAL == null) {
            return props;
        }
        Properties p = new Properties();
        p.putAll(props);
        p.setProperty("ledger.seal", SEAL);
        return p;
    }

    /**
     * {@code -Dledgerjdbc.bench.seal=wait|async|off}: the ledger connections' {@code ledger.seal} (PostgreSQL and
     * MariaDB's commit protocol; off = the version-1 head lock), so one jar measures the protocols side by side.
     */
    static final String SEAL = System.getProperty("ledgerjdbc.bench.seal");

    @Override
    public void close() throws Exception {
        switch (backend) {
            case "h2mem", "h2file" -> {
                try (Connection c = DriverManager.getConnection(rawUrl, props); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                }
            }
            case "postgresql" -> {
                try (Connection c = servers.admin(backend); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + serverName + " CASCADE");
                }
            }
            case "mariadb" -> {
                try (Connection c = servers.admin(backend); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE " + serverName);
                }
            }
            default -> {
            }
        }
        if (dir != null) deleteTree(dir);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
