package io.ledgerjdbc.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost of capturing referential actions (issue 13 §1): autocommit DELETEs of parent rows whose children and
 * grandchildren go by {@code ON DELETE CASCADE} ({@code --fanout} children per parent, as many grandchildren per
 * child), raw and through the ledger side by side in one run. Through the ledger every deleted row is found, locked
 * and recorded before and after the statement.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ledgerjdbc.bench.CascadeDeleteBench
 *     [--backends sqlite-normal,h2file,postgresql,mariadb] [--parents 200] [--fanout 5]
 * </pre>
 */
public final class CascadeDeleteBench {

    private List<String> backends = List.of("sqlite-normal", "h2file", "postgresql", "mariadb");
    private int parents = 200;
    private int fanout = 5;
    private final BenchDatabase.Servers servers = new BenchDatabase.Servers();

    public static void main(String[] args) throws Exception {
        CascadeDeleteBench b = new CascadeDeleteBench();
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--backends" -> b.backends = List.of(v.split(","));
                case "--parents" -> b.parents = Integer.parseInt(v);
                case "--fanout" -> b.fanout = Integer.parseInt(v);
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
                lines.add("| " + backend + " | skipped: " + why + " | | |");
                continue;
            }
            double raw = measure(backend, false);
            double ledger = measure(backend, true);
            lines.add(String.format("| %s | %,.1f | %,.1f | %.2f |", backend, raw, ledger, ledger / raw));
        }
        int rows = 1 + fanout + fanout * fanout;
        System.out.println("Autocommit DELETE of one parent, " + rows + " rows with its cascades (" + fanout + " children, "
                + fanout * fanout + " grandchildren), deletes/s over " + parents + " parents");
        System.out.println();
        System.out.println("| backend | raw | ledger | ledger/raw |");
        System.out.println("|---|---:|---:|---:|");
        lines.forEach(System.out::println);
        System.out.println();
        System.out.println("load " + MachineLoad.range(loadBefore, MachineLoad.oneMinute()));
    }

    private double measure(String backend, boolean ledger) throws Exception {
        String fk = backend.startsWith("sqlite") ? "&foreign_keys=true" : null;
        try (BenchDatabase db = BenchDatabase.fresh(backend, servers, "cdb", fk); Connection c = db.connect(ledger)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE cp (id INT PRIMARY KEY, v VARCHAR(20))");
                s.execute("CREATE TABLE cc (id INT PRIMARY KEY, p_id INT, v VARCHAR(20), FOREIGN KEY (p_id) REFERENCES cp (id) ON DELETE CASCADE)");
                s.execute("CREATE TABLE cg (id INT PRIMARY KEY, c_id INT, v VARCHAR(20), FOREIGN KEY (c_id) REFERENCES cc (id) ON DELETE CASCADE)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO cp (id, v) VALUES (?, 'p')");
                 PreparedStatement ch = c.prepareStatement("INSERT INTO cc (id, p_id, v) VALUES (?, ?, 'c')");
                 PreparedStatement g = c.prepareStatement("INSERT INTO cg (id, c_id, v) VALUES (?, ?, 'g')")) {
                int childId = 0;
                int grandId = 0;
                for (int i = 1; i <= parents; i++) {
                    p.setInt(1, i);
                    p.addBatch();
                    for (int j = 0; j < fanout; j++) {
                        ch.setInt(1, ++childId);
                        ch.setInt(2, i);
                        ch.addBatch();
                        for (int k = 0; k < fanout; k++) {
                            g.setInt(1, ++grandId);
                            g.setInt(2, childId);
                            g.addBatch();
                        }
                    }
                }
                p.executeBatch();
                ch.executeBatch();
                g.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
            long start = System.nanoTime();
            try (PreparedStatement d = c.prepareStatement("DELETE FROM cp WHERE id = ?")) {
                for (int i = 1; i <= parents; i++) {
                    d.setInt(1, i);
                    d.executeUpdate();
                }
            }
            return parents / ((System.nanoTime() - start) / 1e9);
        }
    }
}
