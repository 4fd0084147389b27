package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.sql.Analysis.Refused;

/**
 * Every refusal the analyzer can give, with its construct name and the reason shown to the user. Kept in one
 * place so that names stay exact (callers and tests match on them) and every reason says why the statement
 * cannot be captured and what to write instead.
 */
final class Refusals {

    private Refusals() {
    }

    static final String MULTIPLE_STATEMENTS = "multiple statements";
    static final String CALL = "CALL";
    static final String UPDATE_LIMIT = "UPDATE ... LIMIT";
    static final String UPDATE_ORDER_BY = "UPDATE ... ORDER BY";
    static final String DELETE_LIMIT = "DELETE ... LIMIT";
    static final String DELETE_ORDER_BY = "DELETE ... ORDER BY";
    static final String RETURNING = "RETURNING";
    static final String INSERT_SELECT = "INSERT ... SELECT";
    static final String INSERT_DEFAULT_VALUES = "INSERT ... DEFAULT VALUES";
    static final String INSERT_SET = "INSERT ... SET";
    static final String ON_CONFLICT = "INSERT ... ON CONFLICT";
    static final String ON_DUPLICATE_KEY = "INSERT ... ON DUPLICATE KEY UPDATE";
    static final String REPLACE_INTO = "REPLACE INTO";
    static final String INSERT_IGNORE = "INSERT IGNORE";
    static final String MERGE = "MERGE";
    static final String MERGE_BY_SOURCE = "MERGE ... WHEN NOT MATCHED BY SOURCE/TARGET";
    static final String INSERT_SELECT_UPSERT = "INSERT ... SELECT with ON CONFLICT / ON DUPLICATE KEY UPDATE";
    static final String UPSERT = "UPSERT";
    static final String COPY = "COPY";
    static final String LOAD_DATA = "LOAD DATA";
    static final String LEDGER_TABLE = "write to a ledger_ table";
    static final String UNPARSABLE_WRITE = "unparsable write";
    static final String UNRECOGNISED = "unrecognised statement";
    static final String TRUNCATE = "TRUNCATE";
    static final String CREATE_TABLE_AS = "CREATE TABLE ... AS SELECT";
    static final String SEVERAL_OBJECTS = "DDL on several objects";
    static final String DATA_MODIFYING_WITH = "data-modifying WITH";
    static final String SELECT_INTO = "SELECT ... INTO";
    static final String EXPLAIN_ANALYZE = "EXPLAIN ANALYZE";
    static final String NEXTVAL = "nextval()";
    static final String SETVAL = "setval()";
    static final String NEXT_VALUE_FOR = "NEXT VALUE FOR";
    static final String DELTA_TABLE = "data change delta table";
    static final String UPDATE_ALIAS = "UPDATE with a table alias";
    static final String DELETE_ALIAS = "DELETE with a table alias";
    static final String MULTI_TABLE_UPDATE = "multi-table UPDATE";
    static final String MULTI_TABLE_DELETE = "multi-table DELETE";
    static final String UPDATE_FROM = "UPDATE ... FROM";
    static final String DELETE_USING = "DELETE ... USING";
    static final String NAMED_PARAMETER = "named or numbered parameter";
    static final String THREE_PART_NAME = "three-part table name";
    static final String UNTERMINATED = "unterminated quote or comment";
    static final String TWO_PHASE_COMMIT = "two-phase commit";
    static final String SET_AUTOCOMMIT = "SET AUTOCOMMIT";
    static final String INDEX_CONCURRENTLY = "CREATE/DROP INDEX CONCURRENTLY";

    static Refused of(String construct) {
        return new Refused(construct, reason(construct));
    }

    /** {@code INSERT OR IGNORE}, {@code UPDATE OR REPLACE}, …: SQLite's conflict clauses, named by the word used. */
    static Refused conflictClause(String verb, String word) {
        return new Refused(verb + " OR " + word, "SQLite's OR " + word + " conflict clause can replace, skip or"
                + " partially apply rows; the changed rows cannot be known before it runs. Use a plain " + verb
                + ", or SELECT first and then INSERT / UPDATE.");
    }

    /** CREATE TRIGGER / FUNCTION / PROCEDURE / RULE / EVENT / ALIAS. */
    static Refused routine(String kind) {
        return new Refused("CREATE " + kind, "CREATE " + kind + " installs code that runs on the server and can"
                + " modify tables outside capture, so its effects would be missing from the ledger. Create it"
                + " outside LedgerJDBC (e.g. in a migration run with the plain backend driver) if you accept that risk.");
    }

    static Refused unparsable(String detail) {
        String d = detail.endsWith(".") ? detail.substring(0, detail.length() - 1) : detail;
        return new Refused(UNPARSABLE_WRITE, "the statement looks like a write but its structure could not be"
                + " confirmed (" + d + "). Capture needs the target table and every value; rewrite it as"
                + " INSERT ... VALUES, UPDATE ... SET ... WHERE or DELETE FROM ... WHERE.");
    }

    private static String reason(String construct) {
        return switch (construct) {
            case MULTIPLE_STATEMENTS -> "one JDBC call must hold one statement so that each write can be"
                    + " captured on its own; send the statements separately (or use addBatch).";
            case CALL -> "a procedure, function or anonymous block runs code on the server whose writes cannot"
                    + " be captured; run its INSERT/UPDATE/DELETE statements from the application instead.";
            case UPDATE_LIMIT, UPDATE_ORDER_BY, DELETE_LIMIT, DELETE_ORDER_BY -> "which rows it touches depends"
                    + " on the physical order of rows, so the before-images cannot be selected reliably; use a"
                    + " WHERE clause on the key (e.g. WHERE id IN (SELECT id ... ORDER BY ... LIMIT n)).";
            case RETURNING -> "capture reads the changed rows itself and cannot yet also hand back a RETURNING"
                    + " result; use getGeneratedKeys() or SELECT the row after the write.";
            case INSERT_SELECT -> "the inserted rows come from a query and are not known before it runs; SELECT"
                    + " them in the application and INSERT ... VALUES them (batched).";
            case INSERT_SELECT_UPSERT -> "an upsert fed by a query inserts, updates or skips rows capture cannot name"
                    + " in advance; run the INSERT ... SELECT for the new keys and an UPDATE for the existing ones.";
            case MERGE_BY_SOURCE -> "a clause acting on target rows that no source row matches is not supported;"
                    + " write it as a separate DELETE or UPDATE ... WHERE NOT EXISTS (...).";
            case INSERT_DEFAULT_VALUES -> "a row of only defaults names no values to capture; INSERT ... VALUES"
                    + " with the columns you want (DEFAULT is allowed as a value).";
            case INSERT_SET -> "INSERT ... SET is not supported; use the equivalent INSERT (columns) VALUES (...).";
            case MERGE -> "only the standard MERGE INTO ... USING ... ON ... WHEN ... (H2, PostgreSQL 15+) and H2's"
                    + " MERGE INTO ... [KEY (...)] VALUES naming the primary key are captured; this database has no"
                    + " MERGE, or the form names no rows capture can find before it runs.";
            case ON_CONFLICT, ON_DUPLICATE_KEY, REPLACE_INTO, INSERT_IGNORE, UPSERT -> "an upsert either"
                    + " inserts, updates, replaces or skips a row depending on what is already there, so the row"
                    + " images are not known before it runs; SELECT the key first, then INSERT or UPDATE.";
            case COPY, LOAD_DATA -> "bulk loading bypasses row-by-row capture; insert the rows with a batched"
                    + " INSERT ... VALUES.";
            case LEDGER_TABLE -> "the ledger_ tables hold the ledger itself and are written only by LedgerJDBC;"
                    + " a direct write would break verification. Rename the table if it is an application table.";
            case UNRECOGNISED -> "the statement's first keyword is not one the analyzer knows to be a read, a"
                    + " write it can capture, DDL or transaction control.";
            case TRUNCATE -> "it deletes rows without row images; use DELETE FROM <table> (without WHERE).";
            case CREATE_TABLE_AS -> "the new table's rows come from a query and would not be captured; CREATE"
                    + " TABLE with columns, then INSERT ... VALUES the rows.";
            case SEVERAL_OBJECTS -> "each table, index or view a schema change touches is recorded on its own;"
                    + " drop or rename one object per statement.";
            case DATA_MODIFYING_WITH -> "a WITH whose parts insert, update or delete writes rows that are not"
                    + " known before it runs; run the writes as separate INSERT/UPDATE/DELETE statements.";
            case SELECT_INTO -> "SELECT ... INTO creates a table (PostgreSQL) or assigns variables / writes a file"
                    + " (MariaDB) outside capture; use CREATE TABLE + INSERT ... VALUES, or read the values.";
            case EXPLAIN_ANALYZE -> "EXPLAIN ANALYZE (ANALYZE on MariaDB) executes the statement it explains, and"
                    + " that statement writes; EXPLAIN it without ANALYZE.";
            case NEXTVAL, NEXT_VALUE_FOR -> "it advances a sequence, a change that is not a row and is not"
                    + " recorded; ledger.sequenceReads=refuse forbids it (set allow, the default, to let queries take"
                    + " sequence values), or use an identity/auto-increment column and getGeneratedKeys().";
            case SETVAL -> "it sets a sequence, a change that is not a row and cannot be recorded; move sequences"
                    + " outside LedgerJDBC, or use an identity/auto-increment column and getGeneratedKeys().";
            case DELTA_TABLE -> "H2's FINAL/NEW/OLD TABLE (...) runs the data change statement inside the query;"
                    + " run the INSERT/UPDATE/DELETE on its own, then SELECT.";
            case UPDATE_ALIAS, DELETE_ALIAS -> "the WHERE clause then refers to the alias, which capture cannot"
                    + " reuse in its own queries on the table; write the table name instead of an alias.";
            case MULTI_TABLE_UPDATE, UPDATE_FROM -> "an UPDATE joined with other tables is not supported; update"
                    + " one table with a WHERE ... IN (SELECT ...) subquery instead.";
            case MULTI_TABLE_DELETE, DELETE_USING -> "a DELETE joined with other tables is not supported; delete"
                    + " from one table with a WHERE ... IN (SELECT ...) subquery instead.";
            case NAMED_PARAMETER -> "only plain ? markers map to JDBC parameter indexes that capture can follow;"
                    + " write ? instead of ?1, :name, @name or $1.";
            case THREE_PART_NAME -> "a catalog-qualified name is not supported; connect to that catalog/database"
                    + " and use schema.table.";
            case UNTERMINATED -> "a quote or comment is never closed, so what follows cannot be read safely;"
                    + " close it.";
            case TWO_PHASE_COMMIT -> "prepared (two-phase) transactions are not supported by capture; use"
                    + " ordinary COMMIT.";
            case INDEX_CONCURRENTLY -> "PostgreSQL runs it only outside a transaction, so it cannot commit together"
                    + " with its ledger entry; use CREATE/DROP INDEX without CONCURRENTLY (it blocks writes to the table"
                    + " while it runs).";
            case SET_AUTOCOMMIT -> "switching autocommit in SQL would hide transaction boundaries from the ledger;"
                    + " use Connection.setAutoCommit().";
            default -> "not supported by capture.";
        };
    }
}
