package io.ledgerjdbc.compat;

import static io.ledgerjdbc.compat.FlywayMigrationTest.rowChanges;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Operation;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import liquibase.Scope;
import liquibase.changelog.FastCheckService;
import liquibase.command.CommandScope;
import liquibase.command.core.RollbackCommandStep;
import liquibase.command.core.TagCommandStep;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Liquibase 4 through the ledger driver: a changelog's DDL and rows, and Liquibase's own DATABASECHANGELOG
 * (a table without a primary key) and DATABASECHANGELOGLOCK rows, are all in the ledger; a re-run of an
 * applied changelog writes nothing; the next release of the changelog records exactly its changeset plus
 * Liquibase's bookkeeping; the ledger verifies clean and replays. Liquibase's later changes to its history
 * rows (re-run changesets, rollback, tag) are recorded where the backend can follow them and refused before
 * they run where it cannot.
 */
class LiquibaseMigrationTest {

    static final String CHANGELOG = "db/liquibase/changelog.xml";
    static final String CHANGELOG_V2 = "db/liquibase/changelog-v2.xml";
    static final String CHANGELOG_ALWAYS = "db/liquibase/changelog-always.xml";
    static final String CHANGELOG_TAG = "db/liquibase/changelog-tag.xml";

    /**
     * DATABASECHANGELOG as Liquibase creates it, plus a primary key. MariaDB hides InnoDB's row id, so rows
     * inserted into a key-less table cannot be read back and such inserts are refused; Liquibase uses a
     * DATABASECHANGELOG that already exists with its columns, so creating it first with a key is the setting.
     */
    static String changelogTableWithKey(Backend backend) {
        return "CREATE TABLE DATABASECHANGELOG (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL,"
                + " FILENAME VARCHAR(255) NOT NULL, DATEEXECUTED " + (backend == Backend.MARIADB ? "DATETIME" : "TIMESTAMP")
                + " NOT NULL, ORDEREXECUTED INT NOT NULL, EXECTYPE VARCHAR(10) NOT NULL, MD5SUM VARCHAR(35),"
                + " DESCRIPTION VARCHAR(255), COMMENTS VARCHAR(255), TAG VARCHAR(255), LIQUIBASE VARCHAR(20),"
                + " CONTEXTS VARCHAR(255), LABELS VARCHAR(255), DEPLOYMENT_ID VARCHAR(10),"
                + " PRIMARY KEY (ID, AUTHOR, FILENAME))";
    }

    /** Liquibase logs every step at INFO through java.util.logging (held here: JUL keeps loggers weakly). */
    private static final Logger LIQUIBASE_LOG = Logger.getLogger("liquibase");

    static {
        LIQUIBASE_LOG.setLevel(Level.WARNING);
    }

    /**
     * Runs one Liquibase command on a connection through the ledger driver, as an application embedding
     * Liquibase (or Spring Boot, with the application's DataSource) does.
     */
    static void liquibase(Fixture f, String command, Map<String, Object> arguments) throws Exception {
        try (Connection c = f.ledger()) {
            Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            run(command, Map.of(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG.getName(), db), arguments);
        }
    }

    /**
     * Runs one Liquibase command given the URL, as the CLI, the Maven plugin and liquibase.properties do:
     * Liquibase cannot tell the driver from a {@code jdbc:ledger:} URL, so it is named.
     */
    static void liquibaseByUrl(Fixture f, String command, Map<String, Object> arguments) throws Exception {
        Map<String, Object> connection = new HashMap<>();
        connection.put(DbUrlConnectionArgumentsCommandStep.URL_ARG.getName(), f.ledgerUrl());
        connection.put(DbUrlConnectionArgumentsCommandStep.DRIVER_ARG.getName(), "io.ledgerjdbc.driver.LedgerDriver");
        if (f.user() != null) {
            connection.put(DbUrlConnectionArgumentsCommandStep.USERNAME_ARG.getName(), f.user());
            connection.put(DbUrlConnectionArgumentsCommandStep.PASSWORD_ARG.getName(), "");
        }
        run(command, connection, arguments);
    }

    private static void run(String command, Map<String, Object> connection, Map<String, Object> arguments) throws Exception {
        Map<String, Object> scope = Map.of(Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor(),
                Scope.Attr.ui.name(), new LoggerUIService(), // its console messages to the (quiet) log
                "liquibase.analytics.enabled", false); // no usage reports from a test run
        Scope.child(scope, () -> {
            // the fast check remembers "up to date" per URL in this JVM; forget it, so every run reads the tables
            Scope.getCurrentScope().getSingleton(FastCheckService.class).clearCache();
            CommandScope cmd = new CommandScope(command);
            connection.forEach(cmd::addArgumentValue);
            arguments.forEach(cmd::addArgumentValue);
            cmd.execute();
        });
    }

    static void update(Fixture f, String changelog) throws Exception {
        liquibase(f, UpdateCommandStep.COMMAND_NAME[0], Map.of(UpdateCommandStep.CHANGELOG_FILE_ARG.getName(), changelog));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "SQLITE", "MARIADB"})
    void changelogAndLiquibaseBookkeepingAreRecordedAndARerunWritesNothing(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            if (backend == Backend.MARIADB) {
                execute(f, changelogTableWithKey(backend));
            }
            update(f, CHANGELOG);
            List<LedgerEntry> entries = f.entries();
            List<String> ddl = HibernateOrmTest.ddlTexts(entries);
            assertThat(ddl)
                    .anyMatch(sql -> sql.matches("create table \\S*book \\(id int.*"))
                    .anyMatch(sql -> sql.contains("databasechangeloglock"))
                    .anyMatch(sql -> sql.startsWith("create index ") && sql.contains("idx_book_author"));
            if (backend == Backend.SQLITE) { // there Liquibase adds a column by rebuilding the table
                assertThat(ddl).anyMatch(sql -> sql.matches("create table book \\(.*author varchar\\(100\\).*"));
            } else {
                assertThat(ddl).anyMatch(sql -> sql.matches("alter table \\S*book add author varchar\\(100\\)( null)?"));
            }
            assertThat(rowChanges(entries, "databasechangelog")).as("one history row per changeset, inserted once")
                    .allMatch(rc -> rc.op() == Operation.INSERT)
                    .extracting(rc -> value(rc, "id"))
                    .containsExactly("'1-book'", "'2-seed-books'", "'3-book-author'", "'4-more-books'", "'5-book-author-index'");
            assertThat(rowChanges(entries, "databasechangeloglock")).as("the lock row created, taken, released")
                    .extracting(RowChange::op).containsExactly(Operation.INSERT, Operation.UPDATE, Operation.UPDATE);
            assertThat(value(rowChanges(entries, "databasechangeloglock").get(1), "locked")).isIn("true", "1");
            List<RowChange> books = rowChanges(entries, "book");
            assertThat(books).extracting(RowChange::op).as("seeded, (SQLite: copied into the rebuilt table,) added, updated")
                    .containsExactlyElementsOf(backend == Backend.SQLITE
                            ? List.of(Operation.INSERT, Operation.INSERT, Operation.INSERT, Operation.INSERT, Operation.INSERT, Operation.UPDATE)
                            : List.of(Operation.INSERT, Operation.INSERT, Operation.INSERT, Operation.UPDATE));

            liquibaseByUrl(f, UpdateCommandStep.COMMAND_NAME[0], Map.of(UpdateCommandStep.CHANGELOG_FILE_ARG.getName(), CHANGELOG));
            assertThat(f.entries()).as("an up-to-date changelog: Liquibase only reads, not even the lock is taken").hasSize(entries.size());

            update(f, CHANGELOG_V2);
            List<LedgerEntry> next = since(f, entries.size());
            assertThat(next).extracting(LiquibaseMigrationTest::summary).as("one new changeset: exactly these entries")
                    .containsExactly(
                            List.of("databasechangeloglock UPDATE"),   // lock taken
                            List.of("book UPDATE"),                    // the changeset, committed on its own
                            List.of("databasechangelog INSERT"),       // then its history row
                            List.of("databasechangeloglock UPDATE"));  // lock released

            String book = backend == Backend.H2_FILE ? "BOOK" : "book";
            try (Connection c = f.behind()) {
                assertThat(HikariPoolTest.count(c, "SELECT COUNT(*) FROM " + book + " WHERE author IS NOT NULL")).isEqualTo(3);
                assertThat(HikariPoolTest.count(c, "SELECT COUNT(*) FROM " + book + " WHERE author = 'Austen'")).isEqualTo(2);
                assertThat(HikariPoolTest.count(c, "SELECT COUNT(*) FROM DATABASECHANGELOG")).isEqualTo(6);
            }
            assertThat(f.verify()).isEmpty();
            if (backend == Backend.H2_FILE || backend == Backend.SQLITE) {
                // (PostgreSQL, MariaDB: Liquibase names the schema in its DDL, so a replay into a second schema or
                // database of the same server would write into the first)
                String history = backend == Backend.H2_FILE ? "DATABASECHANGELOG" : "databasechangelog";
                for (List<?> table : f.replayAndCompare(book, history, history + "lock")) {
                    assertThat(table.get(2)).as("replayed " + table.get(0)).isEqualTo(table.get(1));
                }
            }
        }
    }

    /**
     * Liquibase also changes its history rows: a {@code runAlways}/{@code runOnChange} changeset's row is UPDATEd on
     * every re-run, {@code rollback} DELETEs rows, the {@code tag} command UPDATEs the latest row. H2 and SQLite
     * follow all of it on the key-less DATABASECHANGELOG, and so does PostgreSQL (an UPDATE there is recorded as the
     * old row deleted and the new one inserted, by the ctids it returns). The {@code tag}
     * command's UPDATE joins the table with itself on PostgreSQL ({@code UPDATE … FROM}) and MariaDB
     * ({@code UPDATE … JOIN}), which is refused whatever the keys; a {@code tagDatabase} changeset inserts its
     * tag instead and works everywhere.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "SQLITE", "MARIADB"})
    void historyRowUpdatesAndRollbacksAreRecordedOrRefusedBeforeTheyRun(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            if (backend == Backend.MARIADB) {
                execute(f, changelogTableWithKey(backend));
            }
            update(f, CHANGELOG_ALWAYS);
            int before = f.entries().size();
            update(f, CHANGELOG_ALWAYS);
            List<LedgerEntry> rerun = since(f, before);
            // PostgreSQL follows an UPDATE of the key-less table by the ctids it returns: the old row out, the new one in
            List<String> historyRow = backend == Backend.POSTGRESQL
                    ? List.of("databasechangelog DELETE", "databasechangelog INSERT") : List.of("databasechangelog UPDATE");
            assertThat(rerun).extracting(LiquibaseMigrationTest::summary).as("the re-run changeset changed no row; its history row")
                    .containsExactly(List.of("databasechangeloglock UPDATE"), historyRow, List.of("databasechangeloglock UPDATE"));
            List<RowChange> written = rowChanges(rerun, "databasechangelog");
            assertThat(value(written.get(written.size() - 1), "exectype")).isEqualTo("'RERAN'");

            update(f, CHANGELOG_TAG);
            before = f.entries().size();
            liquibase(f, RollbackCommandStep.COMMAND_NAME[0], Map.of(RollbackCommandStep.TAG_ARG.getName(), "v1",
                    UpdateCommandStep.CHANGELOG_FILE_ARG.getName(), CHANGELOG_TAG));
            List<LedgerEntry> rollback = since(f, before);
            assertThat(HibernateOrmTest.ddlTexts(rollback)).singleElement().asString().matches("drop table \\S*review");
            assertThat(rowChanges(rollback, "databasechangelog")).as("the rolled-back changesets' history rows")
                    .allMatch(rc -> rc.op() == Operation.DELETE)
                    .extracting(rc -> value(rc, "id")).contains("'9-review'");

            before = f.entries().size();
            if (backend == Backend.H2_FILE || backend == Backend.SQLITE) {
                tag(f, "v2");
                // Liquibase tags the rows of the newest DATEEXECUTED: one, or several run within the same second
                assertThat(rowChanges(since(f, before), "databasechangelog")).isNotEmpty()
                        .allSatisfy(rc -> assertThat(value(rc, "tag")).isEqualTo("'v2'"));
            } else {
                assertThatThrownBy(() -> tag(f, "v2")).satisfies(e -> assertRefused(e,
                        backend == Backend.POSTGRESQL ? "UPDATE ... FROM" : "multi-table UPDATE"));
                assertThat(rowChanges(since(f, before), "databasechangelog")).isEmpty();
                try (Connection c = f.behind()) {
                    assertThat(HikariPoolTest.count(c, "SELECT COUNT(*) FROM DATABASECHANGELOG WHERE TAG = 'v2'")).isZero();
                }
            }
            assertThat(f.verify()).isEmpty();
        }
    }

    private static void assertRefused(Throwable e, String construct) {
        assertThat(HibernateOrmTest.causes(e)).anyMatch(c -> c instanceof SQLException s && "0A000".equals(s.getSQLState())
                && s.getMessage().contains("refuses " + construct));
    }

    private static List<LedgerEntry> since(Fixture f, int entries) throws SQLException {
        List<LedgerEntry> all = f.entries();
        return all.subList(entries, all.size());
    }

    private static void execute(Fixture f, String sql) throws SQLException {
        try (Connection c = f.ledger(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void tag(Fixture f, String tag) throws Exception {
        liquibase(f, TagCommandStep.COMMAND_NAME[0], Map.of(TagCommandStep.TAG_ARG.getName(), tag));
    }

    /** A column's value in a row change's after image (before image for a DELETE), as the ledger prints it. */
    private static String value(RowChange rc, String column) {
        var row = rc.after() != null ? rc.after() : rc.before();
        return row.names().stream().filter(column::equalsIgnoreCase).findFirst().map(n -> String.valueOf(row.get(n))).orElseThrow();
    }

    /** An entry as "table OPERATION" per change, the table without its schema, lower case. */
    private static List<String> summary(LedgerEntry e) {
        return e.changes().stream().map(LiquibaseMigrationTest::summary).toList();
    }

    private static String summary(Change c) {
        if (c instanceof DdlChange d) {
            return "DDL " + d.sql();
        }
        RowChange rc = (RowChange) c;
        return rc.table().toLowerCase(Locale.ROOT).replaceAll(".*\\.", "").replace("\"", "") + " " + rc.op();
    }
}
