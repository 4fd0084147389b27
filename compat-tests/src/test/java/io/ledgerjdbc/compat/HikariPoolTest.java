package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ledgerjdbc.driver.LedgerDataSource;
import io.ledgerjdbc.driver.LedgerDriver;
import io.ledgerjdbc.driver.jdbc.LedgerConnection;
import io.ledgerjdbc.ledger.store.Backend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HikariCP 7 in front of the ledger driver, configured both ways a user can (a driver class with a URL, or
 * {@code dataSourceClassName}): a pool of 10 shared by 8 threads, dirty connections rolled back by the pool,
 * and the connection methods a pool relies on (isValid, network timeouts, abort) passed through.
 */
class HikariPoolTest {

    enum Form { DRIVER_CLASS, DATA_SOURCE_CLASS }

    static HikariDataSource pool(Fixture f, Form form, boolean autoCommit) {
        HikariConfig cfg = new HikariConfig();
        // SQLite has one writer: 8 threads queue for its lock, longer than the default 3 s on a busy machine
        String url = f.backend == Backend.SQLITE ? f.ledgerUrl() + "?busy_timeout=60000" : f.ledgerUrl();
        if (form == Form.DRIVER_CLASS) {
            cfg.setJdbcUrl(url);
            cfg.setDriverClassName(LedgerDriver.class.getName());
        } else {
            cfg.setDataSourceClassName(LedgerDataSource.class.getName());
            cfg.addDataSourceProperty("url", url);
        }
        if (f.user() != null) {
            cfg.setUsername(f.user());
            cfg.setPassword("");
        }
        cfg.setMaximumPoolSize(10);
        cfg.setAutoCommit(autoCommit);
        cfg.setPoolName("ledger-" + form);
        return new HikariDataSource(cfg);
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "SQLITE", "MARIADB"})
    void eightThreadsShareTenPooledConnectionsAndEveryCommitIsOneEntry(Backend backend) throws Exception {
        for (Form form : Form.values()) {
            try (Fixture f = new Fixture(backend); HikariDataSource ds = pool(f, form, true)) {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE visits (id INT PRIMARY KEY, who VARCHAR(40) NOT NULL, n INT NOT NULL)");
                }
                Set<LedgerConnection> seen = ConcurrentHashMap.newKeySet();
                int threads = 8;
                int perThread = 40;
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            try (Connection c = ds.getConnection()) {
                                seen.add(c.unwrap(LedgerConnection.class));
                                c.setAutoCommit(false);
                                try (PreparedStatement ps = c.prepareStatement("INSERT INTO visits (id, who, n) VALUES (?, ?, ?)")) {
                                    ps.setInt(1, thread * 1000 + i);
                                    ps.setString(2, "t" + thread);
                                    ps.setInt(3, i);
                                    ps.executeUpdate();
                                }
                                try (PreparedStatement ps = c.prepareStatement("UPDATE visits SET n = n + 1 WHERE id = ?")) {
                                    ps.setInt(1, thread * 1000 + i);
                                    ps.executeUpdate();
                                }
                                c.commit();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> d : done) {
                    d.get();
                }
                pool.shutdown();
                assertThat(seen).as("pooled connections are reused, never more than the pool size").hasSizeLessThanOrEqualTo(10);
                try (Connection c = f.behind()) {
                    assertThat(count(c, "SELECT COUNT(*) FROM visits")).isEqualTo(threads * perThread);
                }
                assertThat(f.entries()).hasSize(1 + threads * perThread); // the CREATE TABLE, then one per commit
                assertThat(f.verify()).as(form + ": ledger verifies clean").isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "SQLITE", "MARIADB"})
    void aConnectionReturnedDirtyIsRolledBackByThePoolAndLeavesNoEntry(Backend backend) throws Exception {
        for (Form form : Form.values()) {
            try (Fixture f = new Fixture(backend); HikariDataSource ds = pool(f, form, false)) {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(40))");
                    c.commit();
                }
                int before = f.entries().size();
                LedgerConnection first;
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    first = c.unwrap(LedgerConnection.class);
                    s.executeUpdate("INSERT INTO notes (id, body) VALUES (1, 'never committed')");
                } // returned dirty: HikariCP rolls it back
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    assertThat(c.unwrap(LedgerConnection.class)).as("the same pooled connection").isSameAs(first);
                    s.executeUpdate("INSERT INTO notes (id, body) VALUES (2, 'committed')");
                    c.commit();
                }
                var entries = f.entries();
                assertThat(entries).hasSize(before + 1);
                assertThat(entries.get(entries.size() - 1).changes()).as("only the committed row, nothing of the dirty one")
                        .singleElement().asString().contains("committed").doesNotContain("never");
                try (Connection c = f.behind()) {
                    assertThat(count(c, "SELECT COUNT(*) FROM notes")).isEqualTo(1);
                }
                assertThat(f.verify()).isEmpty();
            }
        }
    }

    private static void abort(Connection c) throws Exception {
        ExecutorService closer = Executors.newSingleThreadExecutor();
        c.abort(closer);
        closer.shutdown();
        assertThat(closer.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "SQLITE", "MARIADB"})
    void isValidNetworkTimeoutAndAbortBehaveAsTheRealDriver(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            try (Connection ledger = f.ledger(); Connection raw = f.raw()) {
                assertThat(ledger.isValid(2)).isEqualTo(raw.isValid(2)).isTrue();
                List<String> ledgerSeen = new ArrayList<>();
                List<String> rawSeen = new ArrayList<>();
                CaptureSuiteTest.attempt(ledgerSeen, () -> ledger.setNetworkTimeout(Runnable::run, 5_000));
                CaptureSuiteTest.attempt(rawSeen, () -> raw.setNetworkTimeout(Runnable::run, 5_000));
                CaptureSuiteTest.attempt(ledgerSeen, () -> ledgerSeen.add("timeout " + ledger.getNetworkTimeout()));
                CaptureSuiteTest.attempt(rawSeen, () -> rawSeen.add("timeout " + raw.getNetworkTimeout()));
                assertThat(ledgerSeen).isEqualTo(rawSeen);
            }
            try (Connection c = f.ledger(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE jobs (id INT PRIMARY KEY)");
            }
            int before = f.entries().size();
            Connection c = f.ledger();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO jobs (id) VALUES (1)");
            }
            Connection raw = f.raw();
            raw.setAutoCommit(false);
            abort(c); // what a pool does to a connection it evicts
            abort(raw);
            assertThat(c.isClosed()).as("closed after abort exactly when the real driver's connection is").isEqualTo(raw.isClosed());
            List<String> ledgerSeen = new ArrayList<>();
            List<String> rawSeen = new ArrayList<>();
            CaptureSuiteTest.attempt(ledgerSeen, () -> c.createStatement().executeQuery("SELECT 1").close());
            CaptureSuiteTest.attempt(rawSeen, () -> raw.createStatement().executeQuery("SELECT 1").close());
            assertThat(ledgerSeen.get(0).startsWith("ok")).as("a query after abort: " + ledgerSeen + " vs raw " + rawSeen)
                    .isEqualTo(rawSeen.get(0).startsWith("ok"));
            // H2's abort does nothing (the connection stays open): the aborted transaction must still never commit
            try {
                c.commit();
            } catch (SQLException expected) {
                // closed, or refused as rolled back
            }
            raw.close();
            assertThat(f.entries()).hasSize(before);
            try (Connection b = f.behind()) {
                assertThat(count(b, "SELECT COUNT(*) FROM jobs")).isZero();
            }
            assertThat(f.verify()).isEmpty();
        }
    }
}
