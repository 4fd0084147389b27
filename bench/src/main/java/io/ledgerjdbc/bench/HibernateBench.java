package io.ledgerjdbc.bench;

import io.ledgerjdbc.examples.hibernate.Shop;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ORM workload, ledger vs raw in the same run: the examples' Shop (Hibernate ORM 7 over HikariCP, pool
 * of 10) driven by 8 threads doing a mix of creates, updates, reads and deletes of entities with relations.
 * Each round uses a fresh database; raw and ledger rounds alternate; the best round of each counts. After
 * every ledger round the ledger must verify clean.
 *
 * <pre>java -XX:+UseParallelGC -Xmx4g -cp bench/target/benchmarks.jar io.ledgerjdbc.bench.HibernateBench
 *     [--backends h2file,postgresql,mariadb] [--threads 8] [--seconds 20] [--rounds 3]</pre>
 *
 * Backends as in {@link BenchDatabase}; the servers' URLs and users come from {@code -Dledgerjdbc.pg.url},
 * {@code -Dledgerjdbc.mariadb.url} etc.
 */
public final class HibernateBench {

    /** The servers' URLs and users: {@code -Dledgerjdbc.pg.url} etc., as in the tests. */
    private static final BenchDatabase.Servers SERVERS = new BenchDatabase.Servers();
    private static final List<String> SKUS = List.of("tea", "pot", "cup", "mug", "kettle", "spoon", "tray", "jar");

    private HibernateBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> backends = List.of("h2file", "postgresql");
        int threads = 8;
        int seconds = 20;
        int rounds = 3;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--backends" -> backends = List.of(args[i + 1].split(","));
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<String> table = new ArrayList<>();
        for (String backend : backends) {
            double bestRaw = 0;
            double bestLedger = 0;
            List<Double> pairRatios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                double raw = round(backend, false, threads, seconds);
                double ledger = round(backend, true, threads, seconds);
                bestRaw = Math.max(bestRaw, raw);
                bestLedger = Math.max(bestLedger, ledger);
                pairRatios.add(ledger / raw);
            }
            // On a shared machine whole rounds swing several-fold; the ratio of adjacent rounds is steadier.
            pairRatios.sort(null);
            int n = pairRatios.size();
            double median = n % 2 == 1 ? pairRatios.get(n / 2) : (pairRatios.get(n / 2 - 1) + pairRatios.get(n / 2)) / 2;
            table.add(String.format(Locale.ROOT, "| %s | hibernate mixed | %d | %,.0f | %,.0f | %.2f | %.2f | %s |", backend,
                    threads, bestRaw, bestLedger, bestLedger / bestRaw, median, target(backend, median)));
        }
        System.out.println("| backend | workload | threads | best raw ops/s | best ledger ops/s | ratio of bests | median ratio of pairs | target |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---|");
        table.forEach(System.out::println);
    }

    /** Issue 14's target on PostgreSQL (0.80), the ORM issue's elsewhere (0.70); none set for MariaDB. */
    private static String target(String backend, double ratio) {
        double t = switch (backend) {
            case "postgresql" -> 0.80;
            case "mariadb" -> Double.NaN;
            default -> 0.70;
        };
        if (Double.isNaN(t)) return "—";
        return String.format(Locale.ROOT, "≥ %.2f %s", t, ratio >= t ? "reached" : "**NOT reached**");
    }

    /** One measured round on a fresh database; returns operations per second. */
    static double round(String backend, boolean ledger, int threads, int seconds) throws Exception {
        try (BenchDatabase db = BenchDatabase.fresh(backend, SERVERS, "hb", null)) {
            double opsPerSecond;
            try (Shop shop = new Shop(db.url(ledger), db.props.getProperty("user"), "", 10)) {
                opsPerSecond = drive(shop, threads, seconds);
            }
            if (ledger) {
                try (Connection c = db.connect(false)) {
                    LedgerCheck.Outcome outcome = LedgerCheck.verify(c);
                    if (!outcome.clean()) {
                        throw new IllegalStateException("ledger findings after a round: " + outcome);
                    }
                    System.out.printf(Locale.ROOT, "  %s ledger round: %,.0f ops/s, %d entries, verified clean%n", backend, opsPerSecond,
                            scalar(c, "SELECT COUNT(*) FROM ledger_entry"));
                }
            } else {
                System.out.printf(Locale.ROOT, "  %s raw round:    %,.0f ops/s%n", backend, opsPerSecond);
            }
            return opsPerSecond;
        }
    }

    /** 8 threads, each on its own customers: 30% orders, 20% shipping, 15% renames, 25% reads, 10% cancels. */
    static double drive(Shop shop, int threads, int seconds) throws InterruptedException {
        for (int i = 0; i < SKUS.size(); i++) {
            shop.stock(SKUS.get(i), "item " + i, (i + 1) + ".50");
        }
        LongAdder ops = new LongAdder();
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int seed = t;
            Thread worker = new Thread(() -> {
                try {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    List<Long> customers = new ArrayList<>();
                    List<Long> orders = new ArrayList<>();
                    for (int c = 0; c < 20; c++) customers.add(shop.newCustomer("customer " + seed + "-" + c));
                    while (!stop.get()) {
                        long customer = customers.get(rnd.nextInt(customers.size()));
                        int pick = rnd.nextInt(100);
                        if (pick < 30 || orders.isEmpty()) {
                            orders.add(shop.placeOrder(customer, List.of(SKUS.get(rnd.nextInt(SKUS.size())), SKUS.get(rnd.nextInt(SKUS.size())))));
                        } else if (pick < 50) {
                            shop.ship(orders.get(rnd.nextInt(orders.size())));
                        } else if (pick < 65) {
                            shop.rename(customer, "customer " + seed + " v" + rnd.nextInt(1000));
                        } else if (pick < 90) {
                            shop.revenue(customer);
                        } else {
                            shop.cancel(orders.remove(rnd.nextInt(orders.size())));
                        }
                        if (measuring.get()) ops.increment();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    done.countDown();
                }
            }, "shop-" + t);
            worker.start();
        }
        Thread.sleep(3_000); // warm-up: JIT, pool, Hibernate's caches
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1_000L);
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        stop.set(true);
        done.await();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("workload failed", failures.peek());
        }
        return ops.sum() * 1e9 / elapsed;
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
