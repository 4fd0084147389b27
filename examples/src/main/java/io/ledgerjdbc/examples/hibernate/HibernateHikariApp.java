package io.ledgerjdbc.examples.hibernate;

import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Shop application on an embedded H2 file through the ledger driver, then a verification of the ledger.
 * Run: {@code mvn -q -pl examples -am compile exec:java -Dexec.mainClass=io.ledgerjdbc.examples.hibernate.HibernateHikariApp}
 */
public final class HibernateHikariApp {

    private HibernateHikariApp() {
    }

    public static void main(String[] args) throws SQLException {
        String file = args.length > 0 ? args[0] : "examples/target/shop";
        List<Finding> findings = run("jdbc:ledger:h2:" + new java.io.File(file).getAbsolutePath());
        System.out.println(findings.isEmpty() ? "ledger verified: clean" : "ledger findings: " + findings);
        System.out.println("Check it yourself: java -jar driver/target/ledgerjdbc.jar verify jdbc:h2:"
                + new java.io.File(file).getAbsolutePath() + " --user sa");
    }

    /** Runs a few orders through the shop and returns the verifier's findings (empty: clean). */
    public static List<Finding> run(String ledgerUrl) throws SQLException {
        try (Shop shop = new Shop(ledgerUrl, "sa", "", 4)) {
            shop.stock("tea", "Green tea", "4.50");
            shop.stock("pot", "Tea pot", "25.00");
            long ada = shop.newCustomer("ada");
            long first = shop.placeOrder(ada, List.of("tea", "pot"));
            long second = shop.placeOrder(ada, List.of("tea"));
            shop.ship(first);
            shop.cancel(second);
            shop.rename(ada, "Ada Lovelace");
            System.out.println("ada's revenue: " + shop.revenue(ada));
        }
        String raw = ledgerUrl.replaceFirst("^jdbc:ledger:", "jdbc:");
        List<Finding> findings = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(raw, "sa", "")) {
            new LedgerVerifier(new LedgerStore(SqlDialect.of(c))).verify(c, VerifyOptions.defaults(), findings::add);
        }
        return findings;
    }
}
