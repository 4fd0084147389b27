package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.store.Backend;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Through {@code jdbc:ledger:}, {@code DatabaseMetaData.getTables} lists the ledger's own tables as {@code SYSTEM
 * TABLE}: a tool that lists "all tables" of type TABLE and drops them (a test-suite reset, as the sqllogictest
 * runner does between scripts) never meets the ledger's tables, whose DROP the driver refuses, and succeeds.
 */
class LedgerTablesMetadataTest {

    private static final List<String> LEDGER_TABLES = List.of("ledger_digest", "ledger_entry", "ledger_meta");

    /** Table name (lower case) → type, for the fixture's own catalog and schema. */
    private static Map<String, String> tables(Connection c, String pattern, String... types) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), pattern, types.length == 0 ? null : types)) {
            while (rs.next()) {
                out.put(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT), rs.getString("TABLE_TYPE"));
            }
        }
        return out;
    }

    /** The real driver's name for a base table: H2 2.x says BASE TABLE, the others TABLE. */
    private static String baseType(Backend b) {
        return b == Backend.H2_FILE ? "BASE TABLE" : "TABLE";
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"SQLITE", "H2_FILE", "POSTGRESQL", "MARIADB"})
    void theLedgersTablesAreSystemTablesAndAListAndDropResetSucceeds(Backend backend) throws Exception {
        String base = baseType(backend);
        try (Fixture f = new Fixture(backend); Connection c = f.ledger(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(20))");
            s.execute("CREATE TABLE notes (id INT PRIMARY KEY)");
            s.executeUpdate("INSERT INTO accounts VALUES (1, 'ada')");
            s.execute("CREATE VIEW rich AS SELECT id FROM accounts");

            Map<String, String> all = tables(c, "%");
            for (String t : LEDGER_TABLES) {
                assertThat(all).as("all tables: " + all).containsEntry(t, "SYSTEM TABLE");
            }
            assertThat(all).containsEntry("accounts", base).containsEntry("notes", base).containsEntry("rich", "VIEW");

            Map<String, String> onlyTables = tables(c, "%", base);
            assertThat(onlyTables.keySet()).as("types {" + base + "}").containsExactlyInAnyOrder("accounts", "notes");
            assertThat(tables(c, "%", "TABLE").keySet()).as("types {TABLE}").doesNotContainAnyElementsOf(LEDGER_TABLES);
            Map<String, String> system = tables(c, "%", "SYSTEM TABLE");
            assertThat(system.keySet()).as("types {SYSTEM TABLE}").containsAll(LEDGER_TABLES).doesNotContain("accounts", "notes");
            assertThat(system.values()).containsOnly("SYSTEM TABLE");
            Map<String, String> both = tables(c, "%", base, "SYSTEM TABLE");
            assertThat(both.keySet()).containsAll(LEDGER_TABLES).contains("accounts", "notes").doesNotContain("rich");

            String entryName = backend == Backend.H2_FILE ? "LEDGER_ENTRY" : "ledger_entry";
            assertThat(tables(c, entryName)).as("still found by name").containsExactly(Map.entry("ledger_entry", "SYSTEM TABLE"));
            assertThat(tables(c, entryName, base)).as("but not as a " + base).isEmpty();

            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", null)) {
                List<String> order = new ArrayList<>();
                while (rs.next()) order.add(rs.getString("TABLE_TYPE"));
                assertThat(order).as("ordered by TABLE_TYPE as JDBC requires").isSortedAccordingTo(String::compareTo);
                assertThat(rs.getStatement()).isNull();
            }
            List<String> types = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTableTypes()) {
                while (rs.next()) types.add(rs.getString("TABLE_TYPE"));
            }
            assertThat(types).as("table types").contains(base).containsOnlyOnce("SYSTEM TABLE");

            // the reset loop of a test runner: list the tables, drop each
            s.execute("DROP VIEW rich");
            DatabaseMetaData md = c.getMetaData();
            List<String> dropped = new ArrayList<>();
            try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {base})) {
                while (rs.next()) dropped.add(rs.getString("TABLE_NAME"));
            }
            for (String t : dropped) {
                try (Statement drop = c.createStatement()) {
                    drop.execute("DROP TABLE " + t);
                }
            }
            assertThat(tables(c, "%", base)).as("the reset dropped every application table").isEmpty();
            assertThat(tables(c, "%", "SYSTEM TABLE").keySet()).as("and left the ledger").containsAll(LEDGER_TABLES);
            assertThat(f.verify()).as("the ledger verifies clean after the reset").isEmpty();
        }
    }
}
