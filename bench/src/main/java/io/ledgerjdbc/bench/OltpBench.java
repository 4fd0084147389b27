package io.ledgerjdbc.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The OLTP mix of issue 14, ledger vs raw in the same run: a TPC-C-like schema ({@link TpccSchema}) loaded through
 * the driver measured ({@link TpccLoader}), then terminals ({@link TpccTerminal}) running new-order, payment,
 * order-status, delivery and stock-level in the standard mix (45/43/4/4/4) in plain JDBC. Prints markdown tables to
 * stdout (progress to stderr):
 * commits/s, ratio ledger ÷ raw, new-order p50/p99 latency, retries per commit by cause (40001 and deadlocks:
 * ledger ÷ raw), and the loader's time raw vs ledger.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ledgerjdbc.bench.OltpBench \
 *     [--backends postgresql,mariadb,sqlite-normal,h2file] [--connections 1,4] [--isolation default,serializable]
 *     [--seconds 20] [--warmup 5] [--rounds 3] [--warehouses 1] [--items 10000] [--customers 300]
 *     [--fk none|plain|cascade] [--history-key none|id] [--verify all|none] [--seed 1]
 *     [--pg-url URL] [--pg-user U] [--mariadb-url URL] [--mariadb-user U] [--jvm-args "..."] [--no-fork]
 * </pre>
 *
 * <p>Each round: a fresh database (BenchDatabase), the schema and initial population loaded through the connection
 * being measured (so the ledger records the DDL and every loaded row, and the load is timed), then N connections,
 * one terminal each, warm-up, a fixed measuring time. Raw and ledger rounds alternate (raw first in odd rounds,
 * ledger first in even ones); the best round of each counts for commits/s, the median of the adjacent pairs' ratios
 * is shown beside it, latencies and retries are pooled over all rounds. {@code serializable} applies to PostgreSQL
 * and MariaDB only; {@code default} is each backend's own (PostgreSQL and H2: READ COMMITTED; MariaDB: REPEATABLE
 * READ; SQLite: serializable by its single writer). After every round: TPC-C consistency conditions 1-4 and the
 * row counts the commits imply ({@link TpccChecks}); after a ledger round also the number of ledger entries (one
 * per committed transaction that changed rows) and the ledger verifier ({@link LedgerCheck}).
 *
 * <p>Scale: 1 warehouse, 10,000 items, 300 customers (and orders) per district by default, ~60,000 rows — a tenth
 * of the specification's items and customers, so that a round's load through the ledger stays within seconds on
 * the 2-core machine. {@code --items 100000 --customers 3000} is the specification's scale 1 (~600,000 rows).
 *
 * <p>{@code --fk} (default {@code plain}): the specification's ten foreign keys without referential actions;
 * {@code cascade} declares them {@code ON DELETE CASCADE} as BenchBase does, which the driver refuses today on
 * every write to a parent table (issue 13 §1); {@code none} drops them. {@code --history-key} (default
 * {@code none}, as the specification): {@code id} gives history a generated surrogate key; the driver refuses
 * INSERTs into a key-less table on MariaDB, so MariaDB's ledger rounds need {@code id} to load.
 */
public final class OltpBench implements ForkedJvm.Harness {

    private static final PrintStream LOG = System.err;

    private List<String> backends = List.of("postgresql", "mariadb", "sqlite-normal", "h2file");
    private List<Integer> connectionCounts = List.of(1, 4);
    private List<String> isolations = List.of("default", "serializable");
    private double seconds = 20;
    private double warmup = 5;
    private int rounds = 3;
    private int warehouses = 1;
    private int items = 10_000;
    private int customers = 300;
    private TpccSchema.Fk fk = TpccSchema.Fk.PLAIN;
    private boolean historyKey;
    private boolean verify = true;
    private long seed = 1;
    private final BenchDatabase.Servers servers = new BenchDatabase.Servers();

    private final Map<String, Integer> problems = new LinkedHashMap<>();

    private void problem(String p) {
        problems.merge(p, 1, Integer::sum);
        LOG.println("    PROBLEM: " + p);
    }

    public static void main(String[] args) throws Exception {
        OltpBench b = new OltpBench();
        ForkedJvm.main(OltpBench.class, args, "[--backends postgresql,mariadb,sqlite-normal,h2file] [--connections 1,4] "
                    + "[--isolation default,serializable] [--seconds 20] [--warmup 5] [--rounds 3] [--warehouses 1] [--items 10000] "
                    + "[--customers 300] [--fk none|plain|cascade] [--history-key none|id] [--verify all|none] [--seed 1] "
                    + "[--pg-url URL] [--pg-user U] [--mariadb-url URL] [--mariadb-user U] [--jvm-args \"...\"] [--no-fork]", b);
    }

    @Override
    public void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-fork")) continue;
            if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for " + a);
            String v = args[++i];
            if (servers.accept(a, v)) continue;
            switch (a) {
                case "--backends" -> backends = List.of(v.split(","));
                case "--connections" -> connectionCounts = Stream.of(v.split(",")).map(Integer::parseInt).toList();
                case "--isolation" -> isolations = List.of(v.split(","));
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--warehouses" -> warehouses = Integer.parseInt(v);
                case "--items" -> items = Integer.parseInt(v);
                case "--customers" -> customers = Integer.parseInt(v);
                case "--fk" -> fk = TpccSchema.Fk.parse(v);
                case "--history-key" -> historyKey = switch (v) {
                    case "none" -> false;
                    case "id" -> true;
                    default -> throw new IllegalArgumentException("--history-key takes none or id, not " + v);
                };
                case "--verify" -> verify = switch (v) {
                    case "all" -> true;
                    case "none" -> false;
                    default -> throw new IllegalArgumentException("--verify takes all or none, not " + v);
                };
                case "--seed" -> seed = Long.parseLong(v);
                case "--jvm-args" -> LOG.println("--jvm-args ignored with --no-fork");
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        for (String b : backends) {
            if (!BenchDatabase.BACKENDS.contains(b)) throw new IllegalArgumentException("unknown backend " + b);
        }
        for (String iso : isolations) {
            if (!iso.equals("default") && !iso.equals("serializable")) {
                throw new IllegalArgumentException("--isolation takes default and/or serializable, not " + iso);
            }
        }
        if (rounds < 1 || seconds <= 0) throw new IllegalArgumentException("--rounds ≥ 1 and --seconds > 0");
        new TpccLoader.Scale(warehouses, items, customers); // validates
    }

    // ---- the run -------------------------------------------------------------------------------------------

    /** One round of one side. */
    private static final class Round {
        double commitsPerSecond;
        double loadSeconds;
        String isolation = "?";
        final TpccTerminal.Counts counts = new TpccTerminal.Counts();
        long[] newOrderNanos = new long[0];
    }

    /** All rounds of one side of a cell. */
    private static final class Side {
        final List<Round> rounds = new ArrayList<>();

        Round best() {
            return rounds.stream().max((a, b) -> Double.compare(a.commitsPerSecond, b.commitsPerSecond)).orElseThrow();
        }

        TpccTerminal.Counts pooled() {
            TpccTerminal.Counts all = new TpccTerminal.Counts();
            rounds.forEach(r -> all.add(r.counts));
            return all;
        }

        long[] latencies() {
            return rounds.stream().flatMapToLong(r -> Arrays.stream(r.newOrderNanos)).sorted().toArray();
        }

        double bestLoad() {
            return rounds.stream().mapToDouble(r -> r.loadSeconds).min().orElse(Double.NaN);
        }
    }

    private record Cell(String backend, String isolation, int connections, Side raw, Side ledger, List<Double> pairRatios,
                        String isolationName, String load) {
    }

    @Override
    public void run() throws Exception {
        long started = System.nanoTime();
        TpccLoader.Scale scale = new TpccLoader.Scale(warehouses, items, customers);
        LOG.printf(Locale.ROOT, "OltpBench: backends=%s connections=%s isolation=%s seconds=%.0f warmup=%.0f rounds=%d scale=%s fk=%s "
                        + "history-key=%s jvm=%s%n", backends, connectionCounts, isolations, seconds, warmup, rounds, scale,
                fk.name().toLowerCase(Locale.ROOT), historyKey ? "id" : "none", ManagementFactory.getRuntimeMXBean().getInputArguments());
        jvmWarmup();
        List<Cell> cells = new ArrayList<>();
        for (String backend : backends) {
            String unreachable = servers.unreachable(backend);
            if (unreachable != null) {
                problem(unreachable + "; skipped");
                continue;
            }
            for (String isolation : isolations) {
                if (isolation.equals("serializable") && !BenchDatabase.isServer(backend)) continue;
                for (int n : connectionCounts) {
                    cells.add(cell(backend, isolation, n, scale, rounds, seconds, warmup, true));
                    LOG.printf(Locale.ROOT, "  elapsed %.0f s%n", (System.nanoTime() - started) / 1e9);
                }
            }
        }
        report(cells, scale);
        System.out.printf(Locale.ROOT, "%nTotal time %.0f s.%n", (System.nanoTime() - started) / 1e9);
    }

    /** Compiles the hot paths first: the mix on H2 in memory, raw and ledger, one connection, nothing recorded. */
    private void jvmWarmup() throws Exception {
        LOG.println("JVM warm-up (H2 in-memory, 1 connection, not measured)");
        cell("h2mem", "default", 1, new TpccLoader.Scale(1, 1_000, 30), 1, Math.max(2, warmup), 1, false);
    }

    private Cell cell(String backend, String isolation, int connections, TpccLoader.Scale scale, int rounds, double secs,
                      double warm, boolean check) throws Exception {
        Side raw = new Side();
        Side ledger = new Side();
        List<Double> pairRatios = new ArrayList<>();
        double loadMin = Double.MAX_VALUE;
        double loadMax = 0;
        for (int r = 0; r < rounds; r++) {
            boolean[] order = r % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false};
            Round[] pair = new Round[2];
            for (boolean isLedger : order) {
                String label = String.format(Locale.ROOT, "[%s %s %dc] round %d %s", backend, isolation, connections, r + 1,
                        isLedger ? "ledger" : "raw");
                Round round = round(label, backend, isolation, connections, isLedger, scale, secs, warm, check);
                double load = MachineLoad.oneMinute();
                loadMin = Math.min(loadMin, load);
                loadMax = Math.max(loadMax, load);
                TpccTerminal.Counts k = round.counts;
                LOG.printf(Locale.ROOT, "%s: load %.1f s, %,.0f commits/s, new-order p50 %.1f ms, retries 40001 %d deadlock %d busy %d "
                                + "race %d, errors %d, machine load %.1f%n", label, round.loadSeconds, round.commitsPerSecond,
                        percentileMs(round.newOrderNanos, 0.5), k.serialization, k.deadlocks, k.busy, k.races, k.errors(), load);
                (isLedger ? ledger : raw).rounds.add(round);
                pair[isLedger ? 1 : 0] = round;
            }
            if (pair[0].commitsPerSecond > 0) pairRatios.add(pair[1].commitsPerSecond / pair[0].commitsPerSecond);
        }
        return new Cell(backend, isolation, connections, raw, ledger, pairRatios, raw.rounds.get(0).isolation,
                MachineLoad.range(loadMin, loadMax));
    }

    private Round round(String label, String backend, String isolation, int connections, boolean ledger, TpccLoader.Scale scale,
                        double secs, double warm, boolean check) throws Exception {
        Round round = new Round();
        // SQLite keeps sqlite-jdbc's DEFERRED transactions (IMMEDIATE ones would hold the write lock between
        // transactions: sqlite-jdbc begins the next one at commit); a read that upgrades to a write while another
        // connection writes fails at once with SQLITE_BUSY, and the terminal backs off and retries.
        String sqliteParams = fk == TpccSchema.Fk.NONE ? null : "&foreign_keys=true";
        TpccSchema schema = new TpccSchema(backend, fk, historyKey);
        try (BenchDatabase db = BenchDatabase.fresh(backend, servers, "oltp", sqliteParams)) {
            List<Connection> conns = new ArrayList<>();
            TpccTerminal[] terminals = new TpccTerminal[connections];
            long entriesAfterLoad = 0;
            try {
                for (int i = 0; i < connections; i++) conns.add(db.connect(ledger));
                long t0 = System.nanoTime();
                try {
                    new TpccLoader(conns.get(0), schema, scale).load();
                } catch (SQLException | RuntimeException e) {
                    problem(label + ": the load failed: " + e + (e instanceof SQLException q ? " [SQLState " + q.getSQLState() + "]" : ""));
                    return round;
                }
                round.loadSeconds = (System.nanoTime() - t0) / 1e9;
                if (ledger) entriesAfterLoad = sealedEntries(db);
                for (int i = 0; i < connections; i++) {
                    Connection c = conns.get(i);
                    if (isolation.equals("serializable")) c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                    c.setAutoCommit(false);
                    terminals[i] = new TpccTerminal(c, schema, scale, i, seed * 1_000 + i);
                }
                round.isolation = isolationName(conns.get(0).getTransactionIsolation());
                System.gc();
                for (TpccTerminal t : terminals) t.start();
                Thread.sleep((long) (warm * 1000));
                for (TpccTerminal t : terminals) t.measuring = true;
                long m0 = System.nanoTime();
                Thread.sleep((long) (secs * 1000));
                for (TpccTerminal t : terminals) t.measuring = false;
                long m1 = System.nanoTime();
                for (TpccTerminal t : terminals) t.running = false;
                for (TpccTerminal t : terminals) {
                    t.join(120_000);
                    if (t.isAlive()) problem(label + ": " + t.getName() + " did not stop within 120 s");
                }
                List<long[]> latencies = new ArrayList<>();
                for (TpccTerminal t : terminals) {
                    round.counts.add(t.measured);
                    latencies.add(Arrays.copyOf(t.newOrderNanos, t.newOrderCount));
                    for (TpccTerminal.Kind kind : TpccTerminal.Kind.values()) {
                        String first = t.firstError[kind.ordinal()];
                        if (first != null) {
                            problem(label + ": " + kind.label + ": " + t.total.errors[kind.ordinal()] + " failed, first: " + first);
                        }
                    }
                }
                round.newOrderNanos = latencies.stream().flatMapToLong(Arrays::stream).toArray();
                round.commitsPerSecond = round.counts.commits() / ((m1 - m0) / 1e9);
            } finally {
                for (Connection c : conns) {
                    try {
                        c.close();
                    } catch (SQLException e) {
                        problem(label + ": close failed: " + e);
                    }
                }
            }
            if (check) afterRound(label, db, scale, terminals, ledger, entriesAfterLoad);
        }
        return round;
    }

    /** The consistency checks, and for a ledger round the entry count and the verifier. */
    private void afterRound(String label, BenchDatabase db, TpccLoader.Scale scale, TpccTerminal[] terminals, boolean ledger,
                            long entriesAfterLoad) {
        TpccTerminal.Counts total = new TpccTerminal.Counts();
        for (TpccTerminal t : terminals) total.add(t.total);
        try (Connection raw = db.connect(false)) {
            for (String p : TpccChecks.check(raw, scale, total)) problem(label + ": " + p);
            if (ledger) {
                long entries = sealedEntries(db) - entriesAfterLoad;
                if (entries != total.writingCommits) {
                    problem(label + ": " + entries + " ledger entries were added while " + total.writingCommits
                            + " transactions that changed rows committed");
                }
                if (verify) {
                    LedgerCheck.Outcome outcome = LedgerCheck.verify(raw);
                    LOG.println("    verified " + outcome);
                    if (!outcome.clean()) problem(label + ": the ledger verifier: " + outcome);
                }
            }
        } catch (SQLException | RuntimeException e) {
            problem(label + ": the checks failed: " + e);
        }
    }

    /**
     * The ledger's entries once every committed one is sealed: with {@code ledger.seal=async} (PostgreSQL, MariaDB) the
     * last commits' entries may still be pending, and counting only sealed ones would miscount by them.
     */
    private static long sealedEntries(BenchDatabase db) throws SQLException {
        try (Connection raw = db.connect(false)) {
            if (db.backend.equals("postgresql") || db.backend.equals("mariadb")) {
                io.ledgerjdbc.driver.database.Sealer.sealAll(raw);
            }
            return TpccChecks.count(raw, "SELECT COUNT(*) FROM ledger_entry");
        }
    }

    private static String isolationName(int level) {
        return switch (level) {
            case Connection.TRANSACTION_READ_UNCOMMITTED -> "read uncommitted";
            case Connection.TRANSACTION_READ_COMMITTED -> "read committed";
            case Connection.TRANSACTION_REPEATABLE_READ -> "repeatable read";
            case Connection.TRANSACTION_SERIALIZABLE -> "serializable";
            default -> "level " + level;
        };
    }

    // ---- report --------------------------------------------------------------------------------------------

    private static double percentileMs(long[] sortedOrNot, double p) {
        if (sortedOrNot.length == 0) return Double.NaN;
        long[] s = sortedOrNot.clone();
        Arrays.sort(s);
        int i = (int) Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1));
        return s[i] / 1e6;
    }

    /** "p50 / p99" in ms, or "—" without a measured new-order. */
    private static String latencies(long[] nanos) {
        return nanos.length == 0 ? "—" : String.format(Locale.ROOT, "%.1f / %.1f", percentileMs(nanos, 0.5), percentileMs(nanos, 0.99));
    }

    private static double median(List<Double> xs) {
        if (xs.isEmpty()) return Double.NaN;
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String throughputTarget(String backend, double ratio) {
        double t;
        if (backend.equals("postgresql")) t = 0.80;
        else if (backend.equals("mariadb")) t = 0.70;
        else return "—";
        return String.format(Locale.ROOT, "≥ %.2f %s", t, ratio >= t ? "reached" : "**NOT reached**");
    }

    /** Conflict retries (40001 + deadlocks) per commit. */
    private static double conflictsPerCommit(TpccTerminal.Counts k) {
        return k.commits() == 0 ? Double.NaN : (k.serialization + k.deadlocks) / (double) k.commits();
    }

    private static String retryRatio(Cell c) {
        double raw = conflictsPerCommit(c.raw.pooled());
        double ledger = conflictsPerCommit(c.ledger.pooled());
        if (Double.isNaN(raw) || Double.isNaN(ledger)) return "—";
        if (raw == 0) return ledger == 0 ? "— (none)" : "∞ (raw none)";
        return String.format(Locale.ROOT, "%.2f", ledger / raw);
    }

    private static String retryTarget(Cell c) {
        if (!c.isolation.equals("serializable") || c.connections < 4) return "—";
        double raw = conflictsPerCommit(c.raw.pooled());
        double ledger = conflictsPerCommit(c.ledger.pooled());
        if (Double.isNaN(raw) || Double.isNaN(ledger)) return "—";
        boolean reached = raw == 0 ? ledger == 0 : ledger / raw <= 1.1;
        return "≤ 1.1 " + (reached ? "reached" : "**NOT reached**");
    }

    private static String perCommit(long n, TpccTerminal.Counts k) {
        return k.commits() == 0 ? "—" : String.format(Locale.ROOT, "%.4f", n / (double) k.commits());
    }

    /** Where the 40001s and deadlocks came from: the eight most frequent messages per side of each cell that had any. */
    private static void conflictReasons(List<Cell> cells) {
        List<String> lines = new ArrayList<>();
        for (Cell c : cells) {
            for (boolean ledger : new boolean[] {false, true}) {
                Map<String, Long> reasons = (ledger ? c.ledger : c.raw).pooled().conflictReasons;
                if (reasons.isEmpty()) continue;
                lines.add(String.format(Locale.ROOT, "- %s %s %dc %s:", c.backend, c.isolationName, c.connections, ledger ? "ledger" : "raw"));
                reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                        .forEach(e -> lines.add(String.format(Locale.ROOT, "  - %,d × `%s`", e.getValue(), e.getKey().replace("`", "'"))));
            }
        }
        if (lines.isEmpty()) return;
        System.out.println();
        System.out.println("Where the 40001s and deadlocks came from (most frequent messages, numbers as N):");
        System.out.println();
        lines.forEach(System.out::println);
    }

    /** A load time, or "failed" when no round loaded (the time is 0). */
    private static String seconds(double s) {
        return s > 0 ? String.format(Locale.ROOT, "%.1f", s) : "failed";
    }

    private void report(List<Cell> cells, TpccLoader.Scale scale) {
        System.out.println();
        System.out.printf(Locale.ROOT, "OLTP mix (TPC-C-like, 45/43/4/4/4, no think time), %s, foreign keys: %s, history key: %s. "
                        + "Best of %d rounds of %.0f s after %.0f s warm-up, a fresh database loaded per round; raw and ledger "
                        + "rounds alternate. Latency: new-order response time incl. retries, pooled over all rounds. "
                        + "Load: the machine's 1-minute load average after each round (lowest–highest). JVM: %s.%n%n",
                scale, fk.name().toLowerCase(Locale.ROOT), historyKey ? "id (generated)" : "none (as the specification)", rounds,
                seconds, warmup, String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.println("| backend | isolation | conns | raw commits/s | ledger commits/s | ratio | median ratio of pairs | target "
                + "| new-order p50 / p99 ms raw | ledger | load |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|");
        for (Cell c : cells) {
            double rawBest = c.raw.best().commitsPerSecond;
            double ledgerBest = c.ledger.best().commitsPerSecond;
            double ratio = rawBest == 0 ? Double.NaN : ledgerBest / rawBest;
            long[] rl = c.raw.latencies();
            long[] ll = c.ledger.latencies();
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %,.0f | %,.0f | %.2f | %.2f | %s | %s | %s | %s |%n",
                    c.backend, c.isolationName, c.connections, rawBest, ledgerBest, ratio, median(c.pairRatios),
                    throughputTarget(c.backend, ratio), latencies(rl), latencies(ll), c.load);
        }
        System.out.println();
        System.out.println("Retries per commit, pooled over all rounds (40001: serialization failures; deadlock: 40P01 / MariaDB 1213; "
                + "busy: lock-wait or SQLITE_BUSY timeouts; race: a delivery's new order taken by another delivery). "
                + "Ratio and target: (40001 + deadlock) per commit, ledger ÷ raw.");
        System.out.println();
        System.out.println("| backend | isolation | conns | commits raw / ledger | 40001 raw | 40001 ledger | deadlock raw | deadlock ledger "
                + "| busy+race raw / ledger | ratio | target | errors raw / ledger |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        for (Cell c : cells) {
            TpccTerminal.Counts r = c.raw.pooled();
            TpccTerminal.Counts l = c.ledger.pooled();
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %,d / %,d | %s | %s | %s | %s | %s / %s | %s | %s | %d / %d |%n", c.backend,
                    c.isolationName, c.connections, r.commits(), l.commits(), perCommit(r.serialization, r), perCommit(l.serialization, l),
                    perCommit(r.deadlocks, r), perCommit(l.deadlocks, l), perCommit(r.busy + r.races, r), perCommit(l.busy + l.races, l),
                    retryRatio(c), retryTarget(c), r.errors(), l.errors());
        }
        conflictReasons(cells);
        System.out.println();
        System.out.println("Load (schema + initial population through the driver measured, JDBC batches of " + TpccLoader.BATCH
                + " rows, one transaction each), best of the cell's rounds:");
        System.out.println();
        System.out.println("| backend | isolation | conns | raw load s | ledger load s | ledger ÷ raw time |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        for (Cell c : cells) {
            double r = c.raw.bestLoad();
            double l = c.ledger.bestLoad();
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %s | %s | %s |%n", c.backend, c.isolationName, c.connections, seconds(r),
                    seconds(l), r > 0 && l > 0 ? String.format(Locale.ROOT, "%.2f", l / r) : "—");
        }
        System.out.println();
        if (problems.isEmpty()) {
            System.out.println("Checks: after every round TPC-C consistency conditions 1-4 and the row counts held; every ledger round "
                    + "added one entry per committed writing transaction" + (verify ? " and verified clean" : "") + "; no unexpected exceptions.");
        } else {
            System.out.println("Problems seen:");
            problems.forEach((p, n) -> System.out.println("- " + p + (n > 1 ? " (×" + n + ")" : "")));
        }
    }
}
