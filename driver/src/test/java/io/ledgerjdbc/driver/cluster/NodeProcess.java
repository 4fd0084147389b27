package io.ledgerjdbc.driver.cluster;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.replication.ClusterStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One cluster member as its own JVM process, driven line by line over stdin/stdout, so tests (and the 3-node
 * demo) can kill it for real. It joins through {@code jdbc:ledger:} with the options given on the command line:
 * {@code java -cp ... NodeProcess jdbc:ledger:sqlite:/x/a.db ledger.node=A ledger.members=... ...}
 *
 * <p>Commands (one per line) and what it prints:
 * <ul>
 *   <li>{@code EXEC <sql>} — runs one statement through the driver: {@code OK <count> <millis>} or
 *       {@code ERR <sqlstate> <millis> <message>};</li>
 *   <li>{@code QUERY <sql>} — {@code ROW <col>|<col>...} per row, then {@code END}, or {@code ERR ...};</li>
 *   <li>{@code WRITE <prefix> <threads>} — writers insert {@code (prefix-n, n)} into {@code kv(k, v)}, one
 *       autocommit insert per key and a new key after every failure (an 08 failure's outcome is unknown, so
 *       its key is never retried); {@code ACK <key> <startMillis> <endMillis>} for exactly the commits that
 *       returned, {@code FAIL <key> <sqlstate> <startMillis> <endMillis> <message>} for the others;</li>
 *   <li>{@code STOP} — stops the writers: {@code STOPPED <acked>};</li>
 *   <li>{@code STATUS} — {@code STATUS role=... leader=... term=... commit=... applied=... size=... view=... diverged=...};</li>
 *   <li>{@code ADD <id>} / {@code REMOVE <id>} — changes the cluster's members through this member (as
 *       {@code cluster add/remove} does): {@code OK 0 <millis>} or {@code ERR <sqlstate> <millis> <message>};</li>
 *   <li>{@code MEMBERS} — {@code MEMBERS <id>,<id>...}, the Raft log's member list as this member has it;</li>
 *   <li>{@code EXIT} — leaves the cluster and exits. End of stdin (the test died) exits too.</li>
 * </ul>
 * Before the first command it prints {@code READY <pid>} once the member has joined, or
 * {@code ERR <sqlstate> 0 <message>} and exits with status 1 when the first connection fails.
 */
public final class NodeProcess {

    private final String url;
    private final Properties props;
    private final PrintStream out;
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicLong acked = new AtomicLong();
    private final List<Thread> writers = new ArrayList<>();

    private NodeProcess(String url, Properties props, PrintStream out) {
        this.url = url;
        this.props = props;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            props.setProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // only this protocol goes to stdout
        NodeProcess node = new NodeProcess(args[0], props, out);
        Connection first;
        try {
            first = node.connect();
        } catch (SQLException e) {
            e.printStackTrace();
            node.say("ERR " + e.getSQLState() + " 0 " + oneLine(e.getMessage()));
            System.exit(1);
            return;
        }
        try (Connection joined = first) {
            node.say("READY " + ProcessHandle.current().pid());
            node.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        }
        LedgerDatabase.leaveClusters();
        System.exit(0);
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, props);
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
        }
    }

    private void serve(BufferedReader in) throws Exception {
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split(" ", 2);
            String arg = parts.length > 1 ? parts[1] : "";
            switch (parts[0]) {
                case "EXEC" -> exec(arg);
                case "QUERY" -> query(arg);
                case "WRITE" -> startWriters(arg.split(" ")[0], Integer.parseInt(arg.split(" ")[1]));
                case "STOP" -> stopWriters();
                case "STATUS" -> status();
                case "ADD", "REMOVE" -> changeMembers(parts[0].equals("ADD"), arg.trim());
                case "MEMBERS" -> say("MEMBERS " + String.join(",", member().members()));
                case "EXIT" -> {
                    stopWriters();
                    return;
                }
                default -> say("ERR HY000 0 unknown command " + parts[0]);
            }
        }
    }

    private void exec(String sql) {
        long start = System.currentTimeMillis();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            int n = s.executeUpdate(sql);
            say("OK " + n + " " + (System.currentTimeMillis() - start));
        } catch (SQLException e) {
            say("ERR " + e.getSQLState() + " " + (System.currentTimeMillis() - start) + " " + oneLine(e.getMessage()));
        }
    }

    private void query(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder("ROW ");
                for (int i = 1; i <= n; i++) sb.append(i == 1 ? "" : "|").append(rs.getString(i));
                say(sb.toString());
            }
            say("END");
        } catch (SQLException e) {
            say("ERR " + e.getSQLState() + " 0 " + oneLine(e.getMessage()));
        }
    }

    private void startWriters(String prefix, int threads) {
        writing.set(true);
        AtomicLong next = new AtomicLong();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> write(prefix, next), "writer-" + i);
            t.start();
            writers.add(t);
        }
    }

    private void write(String prefix, AtomicLong next) {
        while (writing.get()) {
            try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
                while (writing.get()) {
                    long n = next.incrementAndGet();
                    String key = prefix + "-" + n;
                    long start = System.currentTimeMillis();
                    try {
                        ps.setString(1, key);
                        ps.setLong(2, n);
                        ps.executeUpdate();
                        acked.incrementAndGet();
                        say("ACK " + key + " " + start + " " + System.currentTimeMillis());
                    } catch (SQLException e) {
                        say("FAIL " + key + " " + e.getSQLState() + " " + start + " " + System.currentTimeMillis() + " " + oneLine(e.getMessage()));
                        Thread.sleep(20); // no leader, no table yet, ...: do not spin
                    }
                }
            } catch (SQLException e) {
                say("FAIL - " + e.getSQLState() + " 0 0 " + oneLine(e.getMessage()));
                sleepQuietly();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void stopWriters() throws InterruptedException {
        writing.set(false);
        for (Thread t : writers) t.join();
        writers.clear();
        say("STOPPED " + acked.get());
    }

    private void status() {
        String raw = io.ledgerjdbc.driver.LedgerUrls.rawUrl(url);
        ClusterStatus s = LedgerDatabase.clusterStatus(raw).orElse(null);
        if (s == null) {
            say("STATUS none");
            return;
        }
        say("STATUS role=" + s.role() + " leader=" + s.leader() + " term=" + s.term() + " commit=" + s.commitIndex()
                + " applied=" + s.applied() + " size=" + s.ledgerSize() + " view=" + String.join(",", s.view())
                + " diverged=" + (s.diverged() == null ? "-" : oneLine(s.diverged())));
    }

    private io.ledgerjdbc.replication.ClusterMember member() {
        return io.ledgerjdbc.replication.ClusterMember.running(props.getProperty("ledger.cluster"), props.getProperty("ledger.node"))
                .orElseThrow(() -> new IllegalStateException("no member running in this process"));
    }

    private void changeMembers(boolean add, String id) {
        long start = System.currentTimeMillis();
        try {
            if (add) {
                member().addMember(id);
            } else {
                member().removeMember(id);
            }
            say("OK 0 " + (System.currentTimeMillis() - start));
        } catch (io.ledgerjdbc.replication.ReplicationException e) {
            say("ERR " + e.sqlState() + " " + (System.currentTimeMillis() - start) + " " + oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
