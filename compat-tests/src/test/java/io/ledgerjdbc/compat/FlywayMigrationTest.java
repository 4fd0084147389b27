package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.driver.LedgerDataSource;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Flyway migrations through the ledger driver: the migrations' DDL and rows and Flyway's own history-table
 * rows are all in the ledger; a second run changes nothing; the ledger verifies clean and replays.
 */
class FlywayMigrationTest {

    /**
     * The ledger's own tables (created on the first connection) make the default schema non-empty for Flyway.
     * H2, SQLite: a baseline at version 0 lets every real migration run. PostgreSQL: Flyway writes that baseline
     * row before its history table has a primary key, which capture refuses; there the application's tables
     * live in a schema of their own that Flyway creates (the usual PostgreSQL layout anyway).
     */
    static Flyway flyway(Fixture f, String appSchema) {
        LedgerDataSource ds = new LedgerDataSource(); // Flyway picks its database plugin from the URL: pass a DataSource
        ds.setUrl(f.ledgerUrl());
        ds.setUser(f.user());
        ds.setPassword("");
        var cfg = Flyway.configure().dataSource(ds).locations("classpath:db/ledger-migration");
        return (appSchema != null ? cfg.schemas(appSchema) : cfg.baselineOnMigrate(true).baselineVersion("0")).load();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "SQLITE"})
    void migrationsAndTheirHistoryAreRecordedAndARerunIsANoOp(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            String appSchema = backend == Backend.POSTGRESQL ? f.ledgerDb.url.replaceAll(".*currentSchema=", "") + "_app" : null;
            try {
                migrate(f, backend, appSchema);
            } finally {
                if (appSchema != null) {
                    try (Connection c = f.behind(); var s = c.createStatement()) {
                        s.execute("DROP SCHEMA IF EXISTS " + appSchema + " CASCADE");
                    }
                }
            }
        }
    }

    private static void migrate(Fixture f, Backend backend, String appSchema) throws Exception {
        {
            MigrateResult first = flyway(f, appSchema).migrate();
            assertThat(first.migrationsExecuted).isEqualTo(3);
            List<LedgerEntry> entries = f.entries();
            assertThat(HibernateOrmTest.ddlTexts(entries))
                    .anyMatch(sql -> sql.startsWith("create table customer"))
                    .anyMatch(sql -> sql.startsWith("alter table customer add column email"))
                    .anyMatch(sql -> sql.contains("flyway_schema_history"));
            assertThat(rowChanges(entries, "flyway_schema_history")).as("Flyway's history rows are in the ledger")
                    .extracting(rc -> rc.after().toString())
                    .anyMatch(row -> row.contains("V1__customers.sql"))
                    .anyMatch(row -> row.contains("V2__seed_customers.sql"))
                    .anyMatch(row -> row.contains("V3__customer_email.sql"));
            assertThat(rowChanges(entries, "customer")).as("3 inserts, 3 updates, 1 delete").hasSize(7);

            MigrateResult again = flyway(f, appSchema).migrate();
            assertThat(again.migrationsExecuted).isZero();
            assertThat(f.entries()).as("a re-run records nothing").hasSize(entries.size());

            String customer = (appSchema != null ? appSchema + "." : "") + (backend == Backend.H2_FILE ? "CUSTOMER" : "customer");
            try (Connection c = f.behind()) {
                assertThat(HikariPoolTest.count(c, "SELECT COUNT(*) FROM " + customer + " WHERE email LIKE '%@example.org'")).isEqualTo(2);
            }
            assertThat(f.verify()).isEmpty();
            String history = (appSchema != null ? appSchema + "." : "") + "flyway_schema_history";
            if (appSchema == null) { // replaying CREATE SCHEMA into a second database on the same server would clash
                for (List<?> table : f.replayAndCompare(customer, history)) {
                    assertThat(table.get(2)).as("replayed " + table.get(0)).isEqualTo(table.get(1));
                }
            }
        }
    }

    static List<RowChange> rowChanges(List<LedgerEntry> entries, String table) {
        return entries.stream().flatMap(e -> e.changes().stream())
                .filter(c -> c instanceof RowChange rc && rc.table().toLowerCase(Locale.ROOT).replace("\"", "").endsWith(table))
                .map(RowChange.class::cast).toList();
    }
}
