package io.ledgerjdbc.bench;

import io.ledgerjdbc.cli.LedgerCli;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.merkle.MerkleFrontier;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The CLI issue's benchmark, end to end through the CLI's main entry (no JMH: each run is seconds long):
 * {@code verify} of a 1,000,000-entry ledger (single-row changes over a 100,000-row table) against a raw
 * {@code SELECT} of the same ledger and table; {@code diff} of two 1M ledgers diverging at one entry; {@code proof}
 * of entry 500,000, in process and as a new JVM. The ledgers are built once (bench/target/ledgers, schema
 * clibench on PostgreSQL) and reused. Run:
 *
 * <pre>java -Xmx256m -cp bench/target/benchmarks.jar io.ledgerjdbc.bench.CliBench [sqlite] [postgresql] [--jar driver/target/ledgerjdbc.jar]</pre>
 */
public final class CliBench {

    static final int ENTRIES = 1_000_000;
    static final int ROWS = 100_000;
    static final long DIVERGE_AT = 637_211; // chosen at random once, fixed so the built ledgers can be reused

    public static void main(String[] args) throws Exception {
        List<String> backends = new ArrayList<>();
        String jar = "driver/target/ledgerjdbc.jar";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--jar")) jar = args[++i]; else backends.add(args[i]);
        }
        if (backends.isEmpty()) backends = List.of("sqlite", "postgresql");
        Path dir = Files.createDirectories(Path.of(System.getProperty("ledgerjdbc.bench.dir", "bench/target/ledgers")));
        for (String b : backends) {
            String url = b.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("cli-1m.sqlite")
                    : "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=clibench&user=postgres";
            System.out.println("== " + b + ": " + url);
            build(url, Long.MAX_VALUE);
            for (int round = 1; round <= 2; round++) {
                long[] raw = time(() -> rawSelect(url));
                long[] verify = time(() -> cli("verify", url, "--json"));
                System.out.printf("round %d: verify %.2f s (peak heap %d MiB), raw SELECT %.2f s (peak heap %d MiB), ratio %.2f%n", round,
                        verify[0] / 1e9, verify[1] >> 20, raw[0] / 1e9, raw[1] >> 20, (double) verify[0] / raw[0]);
            }
            if (b.equals("sqlite")) {
                Path copy = dir.resolve("cli-1m-diverged.sqlite");
                String other = "jdbc:sqlite:" + copy;
                if (!Files.exists(copy)) {
                    Files.copy(dir.resolve("cli-1m.sqlite"), copy, StandardCopyOption.REPLACE_EXISTING);
                    build(other, DIVERGE_AT);
                }
                for (int round = 1; round <= 2; round++) {
                    String[] out = new String[1];
                    long[] diff = time(() -> out[0] = cli("diff", url, other));
                    System.out.printf("diff round %d: %.1f ms; %s%n", round, diff[0] / 1e6,
                            out[0].lines().filter(l -> l.startsWith("DIVERGED") || l.startsWith("rows read")).toList());
                }
            }
            for (int round = 1; round <= 3; round++) {
                long[] proof = time(() -> cli("proof", url, "500000", "--json"));
                System.out.printf("proof round %d: %.1f ms in process%n", round, proof[0] / 1e6);
            }
            long started = System.nanoTime();
            Process p = new ProcessBuilder("java", "-jar", jar, "proof", url, "500000", "--json").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            int exit = p.waitFor();
            System.out.printf("proof end to end (new JVM): %.0f ms, exit %d%n", (System.nanoTime() - started) / 1e6, exit);
        }
    }

    interface Task {
        void run() throws Exception;
    }

    /** Wall time and peak heap used (sampled every 20 ms) of one run, after a GC. */
    static long[] time(Task t) throws Exception {
        System.gc();
        long[] peak = {0};
        boolean[] done = {false};
        Thread sampler = new Thread(() -> {
            while (!done[0]) {
                long used = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP) used += pool.getUsage().getUsed();
                }
                peak[0] = Math.max(peak[0], used);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long start = System.nanoTime();
        t.run();
        long took = System.nanoTime() - start;
        done[0] = true;
        sampler.join();
        return new long[] {took, peak[0]};
    }

    static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = LedgerCli.run(args, new PrintWriter(out), new PrintWriter(err));
        if (exit == 2) throw new IllegalStateException(String.join(" ", args) + ": " + err);
        return out.toString();
    }

    /** What verify must at least do: read every ledger row and every table row once. */
    static void rawSelect(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            long bytes = 0;
            for (String sql : new String[] {"SELECT seq, entry, leaf_hash, chain_hash, tree_nodes FROM ledger_entry",
                    "SELECT id, owner, balance FROM accounts"}) {
                try (Statement s = c.createStatement()) {
                    s.setFetchSize(1000);
                    try (ResultSet rs = s.executeQuery(sql)) {
                        int n = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int i = 1; i <= n; i++) {
                                Object o = rs.getObject(i);
                                bytes += o instanceof byte[] b ? b.length : 1;
                            }
                        }
                    }
                }
            }
            c.rollback();
            if (bytes == 0) throw new IllegalStateException("nothing read");
        }
    }

    private static LedgerEntry entry(long seq, long id, long balance, Long before) {
        Row key = Row.of("id", Value.of(id));
        Row after = Row.of("id", Value.of(id), "owner", Value.of("owner-" + id), "balance", Value.of(balance));
        Instant t = Instant.parse("2026-01-01T00:00:00Z").plusMillis(seq);
        return before == null ? new LedgerEntry(seq, "bench", t, "tx-" + seq, List.of(RowChange.insert("accounts", key, after)))
                : new LedgerEntry(seq, "bench", t, "tx-" + seq, List.of(RowChange.update("accounts", key,
                        Row.of("id", Value.of(id), "owner", Value.of("owner-" + id), "balance", Value.of(before)), after)));
    }

    /**
     * Builds (once) the ledger: inserts of ids 1..100k, then updates of random ids, and the table holding the final
     * rows. With {@code divergeFrom}, rewrites the entries from that seq on with other balances (a second history).
     */
    static void build(String url, long divergeFrom) throws Exception {
        boolean pg = url.startsWith("jdbc:postgresql");
        if (pg) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test?user=postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS clibench");
            }
        }
        try (Connection c = DriverManager.getConnection(url + (pg ? "&reWriteBatchedInserts=true" : ""))) {
            LedgerStore store = LedgerStore.of(c);
            LedgerSchema.createIfMissing(c, store.dialect());
            if (divergeFrom == Long.MAX_VALUE && store.size(c) == ENTRIES) {
                return;
            }
            System.out.println("building " + url + (divergeFrom == Long.MAX_VALUE ? "" : " diverging at " + divergeFrom) + " …");
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS accounts (id BIGINT PRIMARY KEY, owner VARCHAR(40), balance BIGINT)");
                s.executeUpdate("DELETE FROM accounts");
                s.executeUpdate(divergeFrom == Long.MAX_VALUE ? "DELETE FROM ledger_entry" : "DELETE FROM ledger_entry WHERE seq >= " + divergeFrom);
                s.executeUpdate("DELETE FROM ledger_digest");
            }
            Random random = new Random(42);
            long[] balance = new long[ROWS + 1];
            MerkleFrontier frontier = new MerkleFrontier();
            byte[] chain = Hashes.GENESIS_CHAIN;
            try (PreparedStatement ps = c.prepareStatement(LedgerStore.INSERT_ENTRY)) {
                for (long seq = 1; seq <= ENTRIES; seq++) {
                    LedgerEntry e;
                    boolean other = seq >= divergeFrom;
                    if (seq <= ROWS) {
                        balance[(int) seq] = other ? 7 : 100;
                        e = entry(seq, seq, balance[(int) seq], null);
                    } else {
                        int id = 1 + random.nextInt(ROWS);
                        long old = balance[id];
                        balance[id] = random.nextInt(1_000_000) + (other ? 1 : 0);
                        e = entry(seq, id, balance[id], old);
                    }
                    byte[] bytes = EntryCodec.encode(e);
                    byte[] leaf = Hashes.leaf(bytes);
                    chain = Hashes.chain(chain, leaf);
                    byte[] nodes = frontier.append(leaf);
                    if (!other && divergeFrom != Long.MAX_VALUE) {
                        continue; // kept from the copy
                    }
                    ps.setLong(1, seq);
                    ps.setBytes(2, bytes);
                    ps.setBytes(3, leaf);
                    ps.setBytes(4, chain);
                    ps.setBytes(5, nodes);
                    ps.addBatch();
                    if (seq % 5000 == 0) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (id, owner, balance) VALUES (?, ?, ?)")) {
                for (int id = 1; id <= ROWS; id++) {
                    ps.setLong(1, id);
                    ps.setString(2, "owner-" + id);
                    ps.setLong(3, balance[id]);
                    ps.addBatch();
                    if (id % 5000 == 0) ps.executeBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    private CliBench() {
    }

}
