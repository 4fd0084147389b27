package io.ledgerjdbc.bench;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * The child of {@link StartupBench}: JDK only, so that it runs on any class path under test. Opens the first
 * connection to a fresh {@code jdbc:ledger:} URL, commits one write, and prints
 * {@code <ms from JVM start to connected> <ms from JVM start to the first write committed> <loaded classes>}.
 */
public final class FirstConnection {

    private FirstConnection() {
    }

    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long connected;
        long written;
        try (Connection c = DriverManager.getConnection(args[0], "sa", "")) {
            connected = System.currentTimeMillis() - jvmStart;
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
                s.executeUpdate("INSERT INTO t VALUES (1, 'a')");
            }
            written = System.currentTimeMillis() - jvmStart;
        }
        System.out.println(connected + " " + written + " " + ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
    }
}
