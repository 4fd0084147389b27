package io.ledgerjdbc.examples.flyway;

import io.ledgerjdbc.driver.LedgerDataSource;
import org.flywaydb.core.Flyway;

/**
 * Flyway migrations through the ledger driver (embedded H2 file): the migrations' DDL and rows, and Flyway's
 * own history rows, are recorded. Two settings matter: give Flyway a DataSource (it picks its database support
 * from the URL and does not know {@code jdbc:ledger:}), and baseline at version 0 (the ledger's own tables make
 * the schema non-empty for Flyway; version 0 lets every migration run).
 * Run: {@code mvn -q -pl examples -am compile exec:java -Dexec.mainClass=io.ledgerjdbc.examples.flyway.FlywayApp}
 */
public final class FlywayApp {

    private FlywayApp() {
    }

    public static void main(String[] args) {
        String file = new java.io.File(args.length > 0 ? args[0] : "examples/target/bank").getAbsolutePath();
        int applied = migrate("jdbc:ledger:h2:" + file);
        System.out.println("migrations applied: " + applied + " (0 when run again)");
        System.out.println("Now verify the ledger: java -jar driver/target/ledgerjdbc.jar verify jdbc:h2:" + file + " --user sa");
    }

    /** Migrates the database and returns how many migrations ran. */
    public static int migrate(String ledgerUrl) {
        LedgerDataSource ds = new LedgerDataSource();
        ds.setUrl(ledgerUrl);
        ds.setUser("sa");
        ds.setPassword("");
        Flyway flyway = Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/example-migration")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        return flyway.migrate().migrationsExecuted;
    }
}
