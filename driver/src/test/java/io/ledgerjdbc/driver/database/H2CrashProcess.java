package io.ledgerjdbc.driver.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * A JVM that {@link H2CrashTest} kills with SIGKILL at random moments: through {@code jdbc:ledger:h2:FILE} (as the
 * URL is given, so the driver chooses the write delay) one connection commits transactions of two rows and a counter
 * update, printing {@code ACK <counter>} after each commit returns, while a second connection inserts and rolls back.
 */
public final class H2CrashProcess {

    public static void main(String[] args) throws Exception {
        String url = "jdbc:ledger:h2:" + args[0];
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            try (ResultSet rs = c.getMetaData().getTables(null, null, "KV", null)) {
                if (!rs.next()) {
                    s.execute("CREATE TABLE kv (id BIGINT PRIMARY KEY, v VARCHAR(20))");
                    s.execute("CREATE TABLE counter (id INT PRIMARY KEY, n BIGINT)");
                    s.execute("INSERT INTO counter (id, n) VALUES (1, 0)");
                }
            }
        }
        Thread undone = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(url, "sa", "");
                 PreparedStatement p = c.prepareStatement("INSERT INTO kv (id, v) VALUES (?, 'undone')")) {
                c.setAutoCommit(false);
                for (long id = -1; ; id--) {
                    p.setLong(1, id);
                    p.executeUpdate();
                    c.rollback();
                }
            } catch (Exception killedOrClosed) {
                // ends with the process
            }
        });
        undone.setDaemon(true);
        undone.start();
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             PreparedStatement insert = c.prepareStatement("INSERT INTO kv (id, v) VALUES (?, ?)");
             PreparedStatement bump = c.prepareStatement("UPDATE counter SET n = n + 2 WHERE id = 1");
             Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            long n;
            try (ResultSet rs = s.executeQuery("SELECT n FROM counter WHERE id = 1")) {
                rs.next();
                n = rs.getLong(1);
            }
            c.commit();
            System.out.println("READY");
            System.out.flush();
            while (true) {
                for (int k = 1; k <= 2; k++) {
                    insert.setLong(1, n + k);
                    insert.setString(2, "v" + (n + k));
                    insert.executeUpdate();
                }
                bump.executeUpdate();
                c.commit();
                n += 2;
                System.out.println("ACK " + n);
                System.out.flush();
            }
        }
    }
}
