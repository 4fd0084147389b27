package io.ledgerjdbc.driver.cluster;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Three (or more) cluster members in this JVM, each with its own database file and Raft log, talking over
 * loopback TCP on free ports.
 */
final class TestCluster implements AutoCloseable {

    enum Db { SQLITE, H2, POSTGRESQL, MARIADB }

    /** Server databases (a fresh schema per node); empty for the embedded ones. */
    private final Map<String, io.ledgerjdbc.ledger.store.Backend.Db> servers = new LinkedHashMap<>();

    final Path dir;
    final Db db;
    final String clusterName = "t" + UUID.randomUUID().toString().substring(0, 8);
    final List<String> ids = new ArrayList<>();
    final Map<String, Integer> ports = new LinkedHashMap<>();
    final Properties extra = new Properties();
    /** Appended to SQLite URLs, e.g. {@code ?journal_mode=WAL}. */
    String sqliteOptions = "";

    TestCluster(Path dir, Db db, int size) throws IOException {
        this.dir = dir;
        this.db = db;
        for (int i = 0; i < size; i++) {
            String id = String.valueOf((char) ('A' + i));
            ids.add(id);
            ports.put(id, freePort());
            if (db == Db.POSTGRESQL || db == Db.MARIADB) {
                try {
                    servers.put(id, (db == Db.POSTGRESQL ? io.ledgerjdbc.ledger.store.Backend.POSTGRESQL
                            : io.ledgerjdbc.ledger.store.Backend.MARIADB).open());
                } catch (SQLException e) {
                    throw new IOException(e);
                }
            }
        }
    }

    /** A new member's files and port (an embedded database): {@code ledger.members} then names it for every later start. */
    void addId(String id) throws IOException {
        ids.add(id);
        ports.put(id, freePort());
    }

    /** Member {@code id} left the cluster: later starts no longer name it in {@code ledger.members} (its files stay). */
    void retireId(String id) {
        ports.remove(id);
    }

    /**
     * A free port below the kernel's ephemeral range (32768 and up on Linux): a member restarted after a kill binds its
     * port again, and a port from the ephemeral range may meanwhile be the local end of any process's connection.
     */
    static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IOException("no free port in 20000-31999");
    }

    String members() {
        StringBuilder sb = new StringBuilder();
        ports.forEach((id, port) -> sb.append(sb.length() == 0 ? "" : ",").append(id).append("=127.0.0.1:").append(port));
        return sb.toString();
    }

    String rawUrl(String id) {
        if (servers.containsKey(id)) {
            return servers.get(id).url;
        }
        Path file = dir.resolve("node-" + id);
        return db == Db.SQLITE ? "jdbc:sqlite:" + file + ".db" + sqliteOptions : "jdbc:h2:" + file;
    }

    Properties props(String id) {
        Properties p = new Properties();
        p.setProperty("ledger.node", id);
        if (db == Db.POSTGRESQL) {
            p.setProperty("user", io.ledgerjdbc.ledger.store.Backend.PG_USER);
        } else if (db == Db.MARIADB) {
            p.setProperty("user", io.ledgerjdbc.ledger.store.Backend.MARIADB_USER);
            p.setProperty("password", "");
        }
        p.setProperty("ledger.members", members());
        p.setProperty("ledger.cluster", clusterName);
        p.setProperty("ledger.dataDir", dir.resolve("raft-" + id).toString());
        p.setProperty("ledger.raftFsync", "false");
        p.setProperty("ledger.commitTimeout", "10s");
        p.putAll(extra); // a test's own settings win
        return p;
    }

    Connection connect(String id) throws SQLException {
        return DriverManager.getConnection("jdbc:ledger:" + rawUrl(id).substring("jdbc:".length()), props(id));
    }

    Connection raw(String id) throws SQLException {
        return servers.containsKey(id) ? servers.get(id).connect() : DriverManager.getConnection(rawUrl(id));
    }

    /** Work one thread does against one node. */
    @FunctionalInterface
    interface NodeWork {
        void run(String node) throws Exception;
    }

    /** Runs {@code work} once per entry of {@code nodes}, each in its own thread, and fails with the first error. */
    static void concurrently(List<String> nodes, NodeWork work) throws InterruptedException {
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String node : nodes) {
            Thread t = new Thread(() -> {
                try {
                    work.run(node);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "worker-" + node);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) t.join();
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " worker(s) failed: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    /** Starts every member (the first connection joins), so a leader can be elected. */
    void startAll() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                concurrently(ids, id -> {
                    try (Connection c = connect(id)) {
                        c.isValid(1);
                    }
                });
                return;
            } catch (AssertionError e) {
                // A port found free a moment ago can be taken meanwhile (other test JVMs, a failure-detection port
                // at port + 100): pick new ones and start again.
                if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("cannot listen on")) {
                    throw e;
                }
                LedgerDatabase.leaveClusters();
                for (String id : ids) {
                    ports.put(id, freePort());
                }
            }
        }
    }

    /** Every ledger entry's bytes, in order. */
    List<String> ledger(String id) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = raw(id); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT seq, entry, chain_hash FROM ledger_entry ORDER BY seq")) {
            while (rs.next()) {
                out.add(rs.getLong(1) + ":" + java.util.HexFormat.of().formatHex(rs.getBytes(2)) + ":"
                        + java.util.HexFormat.of().formatHex(rs.getBytes(3)));
            }
        }
        return out;
    }

    List<String> rows(String id, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = raw(id); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) sb.append(i == 1 ? "" : "|").append(rs.getString(i));
                out.add(sb.toString());
            }
        }
        return out;
    }

    /** Waits until every member has applied as many entries as the longest ledger. */
    void awaitConverged(long timeoutMillis) throws Exception {
        awaitConverged(timeoutMillis, ids);
    }

    /** Waits until the given members have applied as many entries as the longest ledger among them. */
    void awaitConverged(long timeoutMillis, List<String> members) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            long max = 0;
            long min = Long.MAX_VALUE;
            for (String id : members) {
                long n = ledger(id).size();
                max = Math.max(max, n);
                min = Math.min(min, n);
            }
            if (min == max || System.currentTimeMillis() > deadline) {
                return;
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        LedgerDatabase.leaveClusters();
        for (var server : servers.values()) {
            try {
                server.close();
            } catch (Exception e) {
                // a leftover test schema is harmless
            }
        }
    }

    static Path tempDir() throws IOException {
        return Files.createTempDirectory("ledger-cluster");
    }
}
