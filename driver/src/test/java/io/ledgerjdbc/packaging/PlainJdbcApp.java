package io.ledgerjdbc.packaging;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An application with nothing but the JDK and {@code ledgerjdbc.jar} on its class path (run by {@link ShadedJarIT}
 * in a JVM of its own). Prints one line per fact the test checks.
 */
public final class PlainJdbcApp {

    private PlainJdbcApp() {
    }

    public static void main(String[] args) throws Exception {
        List<String> drivers = new ArrayList<>();
        for (Driver d : Collections.list(DriverManager.getDrivers())) {
            drivers.add(d.getClass().getName());
        }
        System.out.println("drivers " + String.join(",", drivers));
        for (String url : args) {
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(20))");
                s.executeUpdate("INSERT INTO accounts VALUES (1, 'ada')");
                s.executeUpdate("UPDATE accounts SET owner = 'grace' WHERE id = 1");
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ledger_entry")) {
                    rs.next();
                    System.out.println("entries " + url + " " + rs.getLong(1));
                }
            }
        }
        for (String name : List.of("com.fasterxml.jackson.databind.ObjectMapper", "com.google.common.collect.ImmutableList",
                "org.apache.calcite.sql.parser.SqlParser", "org.bouncycastle.crypto.signers.Ed25519Signer", "picocli.CommandLine")) {
            try {
                Class.forName(name);
                System.out.println("visible " + name);
            } catch (ClassNotFoundException e) {
                System.out.println("hidden " + name);
            }
        }
    }
}
