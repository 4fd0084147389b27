package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.driver.LedgerDataSource;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import java.sql.Connection;
import java.sql.SQLException;
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

    /**
     * {@code clean} drops what Flyway finds in the application's schema, through the driver, and a new {@code migrate}
     * runs every migration again; the ledger, in its own schema, records both and stays clean. (In the default
     * schema next to the ledger, Flyway reads the catalog with its own SQL and reaches the ledger's tables, whose
     * DROP is refused: clean needs the application schema of its own.)
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"POSTGRESQL"})
    void cleanEmptiesTheApplicationSchemaAndARerunMigratesAgain(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            String appSchema = f.ledgerDb.url.replaceAll(".*currentSchema=", "") + "_app";
            try {
                LedgerDataSource ds = new LedgerDataSource();
                ds.setUrl(f.ledgerUrl());
                ds.setUser(f.user());
                ds.setPassword("");
                Flyway flyway = Flyway.configure().dataSource(ds).locations("classpath:db/ledger-migration").schemas(appSchema)
                        .cleanDisabled(false).load();
                assertThat(flyway.migrate().migrationsExecuted).isEqualTo(3);
                flyway.clean();
                try (Connection c = f.behind()) {
                    assertThat(HikariPoolTest.count(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '"
                            + appSchema + "'")).as("clean dropped the application's tables").isZero();
                }
                assertThat(HibernateOrmTest.ddlTexts(f.entries())).as("clean's DROPs are recorded")
                        .anyMatch(sql -> sql.startsWith("drop table") && sql.contains("customer"));
                assertThat(flyway.migrate().migrationsExecuted).as("a clean schema migrates from the start").isEqualTo(3);
                assertThat(f.verify()).isEmpty();
            } finally {
                try (Connection c = f.behind(); var s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + appSchema + " CASCADE");
                }
            }
        }
    }

    /**
     * Flyway cannot run on MariaDB through the driver yet, and says so before it changes anything: with the ledger's
     * tables in the database, Flyway must baseline, and its MariaDB plugin creates the history table together with
     * the baseline row in one {@code CREATE TABLE … AS SELECT}, which capture refuses on MariaDB (it captures that
     * form on H2 only). The PostgreSQL layout — the application's tables in a schema (database) of their own — does
     * not help there: Flyway then runs {@code USE app_db}, and the driver's ledger writes follow the session into a
     * database without a ledger.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"MARIADB"})
    void onMariaDbTheBaselineIsRefusedBeforeAnythingChanges(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.ledger().close(); // the ledger's tables exist from the first connection on
            int before = f.entries().size();
            assertThatThrownBy(() -> flyway(f, null).migrate())
                    .satisfies(e -> assertThat(HibernateOrmTest.causes(e)).anySatisfy(c -> {
                        assertThat(c).isInstanceOf(SQLException.class);
                        assertThat(((SQLException) c).getSQLState()).isEqualTo("0A000");
                        assertThat(c.getMessage()).contains("CREATE TABLE ... AS SELECT");
                    }));
            try (Connection c = f.behind()) {
                assertThat(HikariPoolTest.count(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
                        + "AND table_name NOT LIKE 'ledger\\_%'")).as("no table was created").isZero();
            }
            assertThat(f.entries()).hasSize(before);
            assertThat(f.verify()).isEmpty();
        }
    }

    static List<RowChange> rowChanges(List<LedgerEntry> entries, String table) {
        return entries.stream().flatMap(e -> e.changes().stream())
                .filter(c -> c instanceof RowChange rc && rc.table().toLowerCase(Locale.ROOT).replace("\"", "").endsWith(table))
                .map(RowChange.class::cast).toList();
    }
}
