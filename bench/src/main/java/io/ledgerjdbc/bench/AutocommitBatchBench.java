package io.ledgerjdbc.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost of giving autocommit {@code executeBatch} the raw driver's semantics (issue 13 §3): per backend, a
 * prepared batch of {@code --size} INSERTs in autocommit mode, measured side by side in one run as
 *
 * <ul>
 *   <li><b>raw</b>: the backend's own driver;
 *   <li><b>ledger</b>: through the ledger with the raw driver's semantics (one entry per committed item on SQLite
 *       and H2; one per batch on PostgreSQL and MariaDB, whose prepared batches are atomic);
 *   <li><b>ledger, one tx</b>: the same batch inside {@code setAutoCommit(false) … commit()}, which is what the
 *       driver did before for every autocommit batch (one transaction, one entry).
 * </ul>
 *
 * Rows per second, best of {@code --rounds} rounds of {@code --seconds} each; the load average before and after.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ledgerjdbc.bench.AutocommitBatchBench
 *     [--backends sqlite-normal,h2file,postgresql,mariadb] [--size 100] [--seconds 5] [--rounds 2]
 * </pre>
 */
public final class AutocommitBatchBench {

    private List<String> backends = List.of("sqlite-normal", "h2file", "postgresql", "mariadb");
    private int size = 100;
    private double seconds = 5;
    private int rounds = 2;
    private final BenchDatabase.Servers servers = new BenchDatabase.Servers();

    public static void main(String[] args) throws Exception {
        AutocommitBatchBench b = new AutocommitBatchBench();
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--backends" -> b.backends = List.of(v.split(","));
                case "--size" -> b.size = Integer.parseInt(v);
                case "--seconds" -> b.seconds = Double.parseDouble(v);
                case "--rounds" -> b.rounds = Integer.parseInt(v);
                default -> {
                    if (!b.servers.accept(args[i], v)) throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        }
        b.run();
    }

    private void run() throws Exception {
        double loadBefore = MachineLoad.oneMinute();
        List<String> lines = new ArrayList<>();
        for (String backend : backends) {
            String why = servers.unreachable(backend);
            if (why != null) {
                lines.add("| " + backend + " | skipped: " + why + " | | | | |");
                continue;
            }
            double raw = 0;
            double ledger = 0;
            double oneTx = 0;
            for (int r = 0; r < rounds; r++) {
                raw = Math.max(raw, measure(backend, false, false));
                ledger = Math.max(ledger, measure(backend, true, false));
                oneTx = Math.max(oneTx, measure(backend, true, true));
            }
            lines.add(String.format("| %s | %,.0f | %,.0f | %,.0f | %.2f | %.2f |", backend, raw, ledger, oneTx, ledger / raw, ledger / oneTx));
        }
        System.out.println("Autocommit executeBatch of " + size + " INSERTs, rows/s (best of " + rounds + " × " + seconds + " s)");
        System.out.println();
        System.out.println("| backend | raw | ledger (raw semantics) | ledger, one tx (old semantics) | ledger/raw | ledger/one tx |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        lines.forEach(System.out::println);
        System.out.println();
        System.out.println("load " + MachineLoad.range(loadBefore, MachineLoad.oneMinute()));
    }

    /** Rows per second inserted by autocommit batches (or batches in one explicit transaction) on a fresh database. */
    private double measure(String backend, boolean ledger, boolean oneTransaction) throws Exception {
        try (BenchDatabase db = BenchDatabase.fresh(backend, servers, "acb", null); Connection c = db.connect(ledger)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE acb (id BIGINT PRIMARY KEY, v VARCHAR(40))");
            }
            long id = 0;
            long rows = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO acb (id, v) VALUES (?, ?)")) {
                while (System.nanoTime() < end) {
                    if (oneTransaction) c.setAutoCommit(false);
                    for (int i = 0; i < size; i++) {
                        ps.setLong(1, ++id);
                        ps.setString(2, "row " + id);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    if (oneTransaction) {
                        c.commit();
                        c.setAutoCommit(true);
                    }
                    rows += size;
                }
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        }
    }
}
