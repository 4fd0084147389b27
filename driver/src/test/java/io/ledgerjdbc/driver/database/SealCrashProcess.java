package io.ledgerjdbc.driver.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A JVM that {@link SealedLedgerCrashTest} kills with SIGKILL at random moments. Two roles:
 * <ul>
 *   <li>{@code writer URL USER FIRST_ID THREADS SEAL}: threads commit, through {@code jdbc:ledger:}, transactions that
 *       insert one item (a unique id) and add 1 to one of two shared counters (conflicting with the other threads
 *       and processes); after each commit returns it prints {@code ACK <id>}.</li>
 *   <li>{@code sealer URL USER}: seals pending entries in a loop on a raw connection, as a process's sealer does.</li>
 * </ul>
 */
public final class SealCrashProcess {

    public static void main(String[] args) throws Exception {
        String url = args[1];
        Properties p = new Properties();
        p.setProperty("user", args[2]);
        p.setProperty("password", "");
        if (args[0].equals("sealer")) {
            try (Connection c = DriverManager.getConnection(url, p)) {
                System.out.println("READY");
                System.out.flush();
                while (true) {
                    Sealer.sealAll(c);
                }
            }
        }
        long first = Long.parseLong(args[3]);
        int threads = Integer.parseInt(args[4]);
        p.setProperty("ledger.seal", args[5]);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            long base = first + t * 100_000L;
            workers[t] = new Thread(() -> write(url.replace("jdbc:", "jdbc:ledger:"), p, base));
            workers[t].start();
        }
        System.out.println("READY");
        System.out.flush();
        for (Thread w : workers) {
            w.join();
        }
    }

    private static void write(String url, Properties p, long base) {
        try (Connection c = DriverManager.getConnection(url, p);
             PreparedStatement item = c.prepareStatement("INSERT INTO item (id, n) VALUES (?, ?)");
             PreparedStatement bump = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = ?");
             Connection autocommit = DriverManager.getConnection(url, p);
             PreparedStatement solo = autocommit.prepareStatement("INSERT INTO solo (id, n) VALUES (?, ?)")) {
            c.setAutoCommit(false);
            for (long i = 0; ; i++) {
                long id = base + i;
                try {
                    if (i % 3 == 2) {
                        // an autocommit INSERT of bound values: on PostgreSQL it travels with its entry and COMMIT
                        solo.setLong(1, id);
                        solo.setLong(2, i);
                        solo.executeUpdate();
                        synchronized (System.out) {
                            System.out.println("ACK " + id);
                            System.out.flush();
                        }
                        continue;
                    }
                    item.setLong(1, id);
                    item.setLong(2, i);
                    item.executeUpdate();
                    bump.setInt(1, (int) (id % 2));
                    bump.executeUpdate();
                    c.commit();
                } catch (SQLException e) {
                    c.rollback(); // a deadlock between the two counters' orders, or a serialization failure: next id
                    continue;
                }
                synchronized (System.out) {
                    System.out.println("ACK " + id);
                    System.out.flush();
                }
            }
        } catch (SQLException e) {
            e.printStackTrace();
            System.exit(3);
        }
    }
}
