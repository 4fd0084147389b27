package io.ledgerjdbc.examples.cluster;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.replication.ClusterStatus;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node of the 3-node demo cluster, as its own process: an application that writes through
 * {@code jdbc:ledger:sqlite:} to its own database, with the cluster options every member shares. Everything
 * cluster-specific is in {@link #options}: the rest is plain JDBC.
 *
 * <pre>
 * java -cp driver/target/ledgerjdbc.jar:examples/target/classes io.ledgerjdbc.examples.cluster.ClusterNode A \
 *     [--dir DIR] [--port-base 7801] [--interval-ms 20]
 * </pre>
 *
 * Members A, B and C listen on 127.0.0.1 ports port-base, +1 and +2. The node inserts one row every interval into
 * {@code demo_orders} and appends the id of every write the driver acknowledged to {@code DIR/acked-<id>.log}
 * (so a check can prove later that no acknowledged write was lost), writes its cluster status to
 * {@code DIR/status-<id>} ten times a second, stops writing when {@code DIR/stop-writing} exists, and leaves the
 * cluster on SIGTERM. {@code examples/cluster/run-demo.sh} drives three of them.
 */
public final class ClusterNode {

    static final String TABLE = "demo_orders";
    private static final String DEFAULT_SECRET = "demo-secret-change-me";

    private final String id;
    private final Path dir;
    private final int portBase;
    private final long intervalMillis;
    private final AtomicLong acked = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean writing = true;
    private volatile String lastError = "";

    private ClusterNode(String id, Path dir, int portBase, long intervalMillis) {
        this.id = id;
        this.dir = dir;
        this.portBase = portBase;
        this.intervalMillis = intervalMillis;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !args[0].matches("[ABC]")) {
            System.err.println("usage: ClusterNode A|B|C [--dir DIR] [--port-base 7801] [--interval-ms 20]");
            System.exit(2);
        }
        Path dir = Path.of("ledger-demo");
        int portBase = 7801;
        long interval = 20;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--port-base" -> portBase = Integer.parseInt(args[i + 1]);
                case "--interval-ms" -> interval = Long.parseLong(args[i + 1]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(dir);
        new ClusterNode(args[0], dir, portBase, interval).run();
    }

    /** The database of member {@code id} in {@code dir} (the raw URL; the application prefixes jdbc:ledger:). */
    static String rawUrl(Path dir, String id) {
        return "jdbc:sqlite:" + dir.resolve("node-" + id + ".db").toAbsolutePath();
    }

    /** What makes this connection a cluster member: the same list, name and secret on every member. */
    private Properties options() {
        Properties p = new Properties();
        p.setProperty("ledger.node", id);
        p.setProperty("ledger.members", String.format(Locale.ROOT, "A=127.0.0.1:%d,B=127.0.0.1:%d,C=127.0.0.1:%d",
                portBase, portBase + 1, portBase + 2));
        p.setProperty("ledger.cluster", "demo");
        p.setProperty("ledger.dataDir", dir.resolve("raft-" + id).toString());
        String secret = System.getenv("LEDGER_SECRET");
        p.setProperty("ledger.secret", secret == null || secret.isEmpty() ? DEFAULT_SECRET : secret);
        p.setProperty("ledger.commitTimeout", "5s");
        // ledger.raftFsync stays at its default (true): an acknowledged write survives even a power loss of a majority
        return p;
    }

    private void run() throws Exception {
        String runTag = Long.toString(ProcessHandle.current().pid(), 36);
        String url = "jdbc:ledger:" + rawUrl(dir, id).substring("jdbc:".length());
        Thread status = new Thread(this::reportStatus, "demo-status");
        status.setDaemon(true);
        status.start();
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running = false;
            try {
                main.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        log("starting; database " + rawUrl(dir, id) + ", Raft log " + dir.resolve("raft-" + id));
        try (Connection c = DriverManager.getConnection(url, options());
             OutputStream ackLog = new FileOutputStream(dir.resolve("acked-" + id + ".log").toFile(), true)) {
            createTable(c);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO " + TABLE + " (id, node, n, placed) VALUES (?, ?, ?, ?)")) {
                long n = 0;
                while (running) {
                    if (writing && Files.exists(dir.resolve("stop-writing"))) {
                        writing = false;
                        log("stopped writing after " + acked.get() + " acknowledged writes");
                    }
                    if (writing) {
                        String rowId = id + "-" + runTag + "-" + (++n);
                        if (write(insert, rowId, n)) {
                            // Only now is the write acknowledged: committed by a majority and applied here.
                            ackLog.write((rowId + "\n").getBytes(StandardCharsets.UTF_8));
                            acked.incrementAndGet();
                        }
                    }
                    Thread.sleep(intervalMillis);
                }
            }
        } finally {
            LedgerDatabase.leaveClusters();
            log("left the cluster");
        }
    }

    /**
     * Every member runs it; the log orders the three, and the second and third change nothing. Like any write it
     * fails with SQLState class 08 while the cluster has no leader (members still starting): then try again.
     */
    private void createTable(Connection c) throws SQLException, InterruptedException {
        long giveUp = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                        + " (id VARCHAR(40) PRIMARY KEY, node VARCHAR(8) NOT NULL, n INTEGER NOT NULL, placed TIMESTAMP NOT NULL)");
                return;
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("08") || System.nanoTime() > giveUp) {
                    throw e;
                }
                log("creating the table failed (" + e.getSQLState() + ": " + e.getMessage() + "); trying again");
                Thread.sleep(500);
            }
        }
    }

    /** One autocommit INSERT: one replicated transaction. A failure is reported and the loop goes on. */
    private boolean write(PreparedStatement insert, String rowId, long n) {
        try {
            insert.setString(1, rowId);
            insert.setString(2, id);
            insert.setLong(3, n);
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            insert.executeUpdate();
            lastError = "";
            return true;
        } catch (SQLException e) {
            // 08xxx while no majority or leader is reachable (during a failover); the row may or may not have
            // committed, so it is not counted as acknowledged.
            String what = "write " + rowId + " failed: SQLState " + e.getSQLState() + ": " + e.getMessage();
            if (!what.equals(lastError)) {
                log(what);
            }
            lastError = what;
            return false;
        }
    }

    /** The status file the demo script reads: one line, replaced atomically. */
    private void reportStatus() {
        Path file = dir.resolve("status-" + id);
        Path tmp = dir.resolve("status-" + id + ".tmp");
        while (true) {
            ClusterStatus s = LedgerDatabase.clusterStatus(rawUrl(dir, id)).orElse(null);
            String line = s == null ? "pid=" + ProcessHandle.current().pid() + " role=starting acked=" + acked.get()
                    : String.format(Locale.ROOT, "pid=%d role=%s leader=%s term=%d commit=%d applied=%d ledger=%d acked=%d writing=%s%s",
                            ProcessHandle.current().pid(), s.role(), s.leader(), s.term(), s.commitIndex(), s.applied(),
                            s.ledgerSize(), acked.get(), writing, s.diverged() == null ? "" : " DIVERGED: " + s.diverged());
            try {
                Files.writeString(tmp, line + "\n");
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Thread.sleep(100);
            } catch (IOException e) {
                log("cannot write the status file: " + e);
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void log(String message) {
        System.out.println(Instant.now() + " [" + id + "] " + message);
    }
}
