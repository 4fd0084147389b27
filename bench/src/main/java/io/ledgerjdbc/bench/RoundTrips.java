package io.ledgerjdbc.bench;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Round trips per operation on the wire, raw vs ledger: DriverBench's workloads (autocommit single-row INSERT,
 * autocommit UPDATE by key, 100-row transactions) through a {@link WireRelay} between the JDBC driver and the
 * server, so every request burst the driver sends after a server response is counted — the driver's own statements
 * (capture reads, ledger writes, locks, commits, durable waits), on every connection it opens, included.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ledgerjdbc.bench.RoundTrips [--backends postgresql,mariadb]
 *     [--workloads insert,update,tx100] [--ops 1000] [--warmup 200] [--pg-url URL] [--pg-user U] [--mariadb-url URL] [--mariadb-user U]
 * </pre>
 *
 * Each (backend, workload, side): a fresh database, one connection through the relay, the table created through it,
 * {@code --warmup} operations not counted (PostgreSQL's driver server-prepares a statement from its fifth
 * execution; the ledger driver caches its statements), then {@code --ops} operations counted (tx100: transactions).
 * SQLite and H2 are embedded: they have no wire, and no round trips to count.
 */
public final class RoundTrips {

    private List<String> backends = List.of("postgresql", "mariadb");
    private List<String> workloads = List.of("insert", "update", "tx100");
    private int ops = 1_000;
    private int warmup = 200;
    private final BenchDatabase.Servers servers = new BenchDatabase.Servers();
    /** What each round trip of one operation carried (the start of each request burst, as text). */
    private final List<String> traces = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        RoundTrips r = new RoundTrips();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (r.servers.accept(args[i], args[i + 1])) continue;
            switch (args[i]) {
                case "--backends" -> r.backends = List.of(args[i + 1].split(","));
                case "--workloads" -> r.workloads = List.of(args[i + 1].split(","));
                case "--ops" -> r.ops = Integer.parseInt(args[i + 1]);
                case "--warmup" -> r.warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (args.length % 2 != 0) throw new IllegalArgumentException("every option takes a value");
        for (String b : r.backends) {
            if (!BenchDatabase.isServer(b)) throw new IllegalArgumentException(b + " is embedded: no wire, no round trips (postgresql, mariadb)");
        }
        r.run();
    }

    private void run() throws Exception {
        double load0 = MachineLoad.oneMinute();
        List<String> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String backend : backends) {
            String unreachable = servers.unreachable(backend);
            if (unreachable != null) {
                problems.add(unreachable + "; skipped");
                continue;
            }
            for (String workload : workloads) {
                WireRelay.Counts raw = measure(backend, workload, false, problems);
                WireRelay.Counts ledger = measure(backend, workload, true, problems);
                String unit = workload.equals("tx100") ? "transaction of 100 rows" : "operation";
                rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %,.0f / %,.0f | %,.0f / %,.0f | %d / %d |", backend,
                        workload, unit, per(raw.roundTrips()), per(ledger.roundTrips()), per(raw.bytesToServer()), per(raw.bytesToClient()),
                        per(ledger.bytesToServer()), per(ledger.bytesToClient()), raw.connections(), ledger.connections()));
            }
        }
        System.out.printf(Locale.ROOT, "Round trips on the wire (request bursts after a server response, all connections the driver opened), "
                + "%,d operations after %,d not counted; machine load %s. SQLite and H2 are embedded: no wire.%n%n",
                ops, warmup, MachineLoad.range(load0, MachineLoad.oneMinute()));
        System.out.println("| backend | workload | per | raw round trips | ledger round trips | raw bytes up / down | ledger bytes up / down "
                + "| connections raw / ledger |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
        System.out.println();
        System.out.println("What each round trip carried (each request burst, its socket writes joined by ' + ', at most 400 bytes of each; '.' = a non-printable byte):");
        traces.forEach(System.out::println);
        if (!problems.isEmpty()) {
            System.out.println();
            System.out.println("Problems seen:");
            problems.forEach(p -> System.out.println("- " + p));
        }
    }

    private double per(long n) {
        return n / (double) ops;
    }

    private WireRelay.Counts measure(String backend, String workload, boolean ledger, List<String> problems) throws Exception {
        String label = backend + " " + workload + " " + (ledger ? "ledger" : "raw");
        try (BenchDatabase db = BenchDatabase.fresh(backend, servers, "rt", null)) {
            InetSocketAddress server = WireRelay.server(db.rawUrl, backend.equals("postgresql") ? 5432 : 3306);
            try (WireRelay relay = new WireRelay(server.getHostString(), server.getPort());
                 Connection c = java.sql.DriverManager.getConnection(relay.via(db.url(ledger)), db.props(ledger))) {
                try (Statement s = c.createStatement()) {
                    s.execute(DriverBench.CREATE);
                }
                if (workload.equals("update")) DriverBench.prefill(c);
                Workload w = new Workload(c, workload);
                w.run(warmup);
                WireRelay.Counts base = relay.snapshot();
                w.run(ops);
                WireRelay.Counts counted = relay.snapshot().minus(base);
                List<String> bursts = new java.util.concurrent.CopyOnWriteArrayList<>();
                relay.trace(bursts);
                w.run(1);
                relay.trace(null);
                traces.add("- " + label + ", one " + (workload.equals("tx100") ? "transaction (first and last 4 bursts)" : "operation")
                        + ":");
                for (int i = 0; i < bursts.size(); i++) {
                    if (workload.equals("tx100") && i >= 4 && i < bursts.size() - 4) {
                        if (i == 4) traces.add("  - …");
                        continue;
                    }
                    traces.add("  " + (i + 1) + ". `" + bursts.get(i).replace("`", "'") + "`");
                }
                w.close();
                System.err.printf(Locale.ROOT, "%s: %.2f round trips per %s%n", label, per(counted.roundTrips()),
                        workload.equals("tx100") ? "transaction" : "operation");
                return counted;
            }
        } catch (SQLException | RuntimeException e) {
            problems.add(label + ": " + e);
            return new WireRelay.Counts(0, 0, 0, 0);
        }
    }

    /** DriverBench's workloads, one operation (or 100-row transaction) at a time on one connection. */
    private static final class Workload implements AutoCloseable {
        private final Connection c;
        private final String workload;
        private final PreparedStatement ps;
        private final SplittableRandom rnd = new SplittableRandom(14);
        private long nextId = 1L << 40;

        Workload(Connection c, String workload) throws SQLException {
            this.c = c;
            this.workload = workload;
            this.ps = c.prepareStatement(workload.equals("update") ? DriverBench.UPDATE : DriverBench.INSERT);
            if (workload.equals("tx100")) c.setAutoCommit(false);
        }

        void run(int n) throws SQLException {
            for (int i = 0; i < n; i++) {
                switch (workload) {
                    case "insert" -> {
                        DriverBench.bindRow(ps, nextId++);
                        ps.executeUpdate();
                    }
                    case "update" -> {
                        ps.setBigDecimal(1, BigDecimal.valueOf(rnd.nextInt(1, 1000), 2));
                        ps.setLong(2, rnd.nextInt(1, DriverBench.PREFILL + 1));
                        ps.executeUpdate();
                    }
                    case "tx100" -> {
                        for (int r = 0; r < 100; r++) {
                            DriverBench.bindRow(ps, nextId++);
                            ps.executeUpdate();
                        }
                        c.commit();
                    }
                    default -> throw new IllegalArgumentException("unknown workload " + workload);
                }
            }
        }

        @Override
        public void close() throws SQLException {
            ps.close();
        }
    }
}
