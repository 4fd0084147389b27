package io.ledgerjdbc.examples.quickstart;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The smallest LedgerJDBC program: plain JDBC, embedded SQLite. The only LedgerJDBC-specific thing in it is
 * the URL prefix {@code jdbc:ledger:}. Run it, then check the ledger with
 * {@code java -jar driver/target/ledgerjdbc.jar verify jdbc:sqlite:examples/target/quickstart.db}.
 */
public final class Quickstart {

    private Quickstart() {
    }

    public static void main(String[] args) throws SQLException {
        String file = args.length > 0 ? args[0] : "examples/target/quickstart.db";
        run("jdbc:ledger:sqlite:" + file);
        System.out.println("Now verify the ledger: java -jar driver/target/ledgerjdbc.jar verify jdbc:sqlite:" + file);
    }

    /** Creates a table, writes to it, and prints what the ledger recorded. */
    public static long run(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, "
                        + "total NUMERIC NOT NULL, placed TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO orders (customer, total) VALUES (?, ?)")) {
                insert.setString(1, "ada");
                insert.setBigDecimal(2, new BigDecimal("42.50"));
                insert.executeUpdate();
            }
            c.setAutoCommit(false); // several statements, one ledger entry
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE orders SET total = total * 0.9 WHERE customer = 'ada'");
                s.executeUpdate("DELETE FROM orders WHERE total < 1");
            }
            c.commit();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ledger_entry")) {
                rs.next();
                System.out.println("ledger entries: " + rs.getLong(1));
                return rs.getLong(1);
            }
        }
    }
}
