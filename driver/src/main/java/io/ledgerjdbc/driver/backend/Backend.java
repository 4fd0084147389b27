package io.ledgerjdbc.driver.backend;

import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.apache.calcite.config.Lex;

/**
 * Every decision the driver makes differently per database, in one place per database. Code outside this
 * package asks its backend ({@code Backend.of(dialect)}, or the node's) and never compares dialects.
 *
 * <p>The defaults are the standard-SQL answer most databases give; each backend overrides where its database
 * (as measured, see the comments there) differs. Adding a database is one class here, one line in
 * {@link #of}, and its test fixture.
 *
 * <p>Threading: backends are stateless singletons, safe for any thread.
 */
public interface Backend {

    /** The backend of {@code dialect}. */
    static Backend of(SqlDialect dialect) {
        return switch (dialect) {
            case SQLITE -> SqliteBackend.INSTANCE;
            case H2 -> H2Backend.INSTANCE;
            case POSTGRESQL -> PostgresBackend.INSTANCE;
            case MARIADB -> MariaDbBackend.INSTANCE;
        };
    }

    /**
     * The backend of the database {@code rawUrl} names, from the URL alone (before connecting); empty for a URL no
     * backend knows, which the real driver then accepts or refuses.
     */
    static Optional<Backend> forUrl(String rawUrl) {
        for (Backend b : List.<Backend>of(SqliteBackend.INSTANCE, H2Backend.INSTANCE, PostgresBackend.INSTANCE, MariaDbBackend.INSTANCE)) {
            if (rawUrl.regionMatches(true, 0, b.urlPrefix(), 0, b.urlPrefix().length())) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    SqlDialect dialect();

    /** How this database's JDBC URLs begin, e.g. {@code jdbc:sqlite:}. */
    String urlPrefix();

    /** Whether SQL text on this database has {@code feature}. */
    boolean has(Syntax feature);

    // ------------------------------------------------------------------ its URLs

    /** Whether every connection to {@code rawUrl} opens a new database of its own, shared with no other connection. */
    default boolean isPrivate(String rawUrl) {
        return false;
    }

    /**
     * Adds to {@code props} what keeps the real driver from creating {@code rawUrl}'s database where it is missing;
     * a setting the user gave (in the URL or the properties) stands. Nothing where connecting never creates one.
     */
    default void refuseCreate(String rawUrl, Properties props) {
    }

    /**
     * On every connection the driver opens for an application ({@code c}, to {@code rawUrl}, with the real driver's
     * properties {@code props}): sets what the ledger's crash guarantee needs (a change and its entry recovered
     * together or not at all) where the database's own default would break it and neither the URL nor the properties
     * choose otherwise. Nothing by default.
     */
    default void prepareConnection(Connection c, String rawUrl, Properties props) throws SQLException {
    }

    /** The one file {@code rawUrl}'s database is, where connecting would create it; null otherwise. */
    default Path databaseFile(String rawUrl) {
        return null;
    }

    /**
     * The URL for capture's own read-only connections to the same database (committed-state reads): what would
     * run again on every connection and may write is left out.
     */
    default String sideUrl(String rawUrl) {
        return rawUrl;
    }

    // ------------------------------------------------------------------ names and metadata

    /** {@code identifier} quoted for this database. */
    default String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** How Calcite reads this database's identifiers: MYSQL_ANSI ("…" quoting, names keep their case). */
    default Lex calciteLex() {
        return Lex.MYSQL_ANSI;
    }

    /** The stored names an unquoted name may have, most likely first. */
    default List<String> nameCandidates(String unquoted) {
        return List.of(unquoted, unquoted.toLowerCase(Locale.ROOT), unquoted.toUpperCase(Locale.ROOT));
    }

    /** An unquoted name as the database stores it. */
    default String foldName(String unquoted) {
        return unquoted;
    }

    /** The schema unqualified names resolve in, or null where the database has no schemas. */
    default String defaultSchema(Connection c) throws SQLException {
        return c.getSchema();
    }

    /** Whether a name may be qualified by a schema. */
    default boolean hasSchemas() {
        return true;
    }

    /** Whether JDBC metadata takes the schema as its catalog argument (MariaDB). */
    default boolean schemaIsCatalog() {
        return false;
    }

    /**
     * What, besides triggers (see {@link #triggerOn}) and foreign keys, makes writes to {@code table} change
     * rows capture does not see or cannot roll back; null when nothing.
     */
    default String tableSideEffect(Connection c, String schema, String table, boolean keyless) throws SQLException {
        return null;
    }

    /** The name of a trigger on {@code table}, or null. */
    String triggerOn(Connection c, String schema, String table) throws SQLException;

    /** Column type of the origin signatures beside the ledger (64 bytes). */
    default String signatureType() {
        return "VARBINARY(64)";
    }

    // ------------------------------------------------------------------ row identity, equality, locks

    /** A pseudo-column identifying a row physically and stably (capture follows key-less rows by it), or null. */
    default String stableRowId() {
        return null;
    }

    /** A pseudo-column that picks one of several equal rows within a statement, or null (then LIMIT 1). */
    default String rowIdentity() {
        return stableRowId();
    }

    /** Whether key-less rows are followed by the row ids a RETURNING clause gives back (PostgreSQL's ctid). */
    default boolean returnsRowIds() {
        return false;
    }

    /** Whether the rows an INSERT puts into a table without a primary key can be read back exactly. */
    default boolean followsKeylessInserts() {
        return true;
    }

    /** The suffix of a read that locks the rows it reads for writing ("" where a write lock covers it). */
    default String forUpdate() {
        return " FOR UPDATE";
    }

    /** The lock suffix for rows an UPDATE that keeps their key will change. */
    default String forUpdateKeepingKey() {
        return forUpdate();
    }

    /** The suffix of a read that keeps its rows from changing until commit, or null where none is needed. */
    String forShare();

    /** The lock suffix of a MERGE's read of its target ("" when its read takes none). */
    default String mergeReadLock() {
        return "";
    }

    /** The statement locking a MERGE's target before capture reads it, or null. */
    default String mergeTableLock(String target) {
        return null;
    }

    /** Whether a transaction takes the database's write lock before its first read (SQLite's deadlock rule). */
    default boolean takesWriteLockFirst() {
        return false;
    }

    /** Whether a failed statement aborts the whole transaction (then risky reads run inside a savepoint). */
    default boolean abortsTransactionOnError() {
        return false;
    }

    /** Prepares a capture read (e.g. no server-side prepare for a one-off read). */
    default void prepareRead(PreparedStatement ps) throws SQLException {
    }

    // ------------------------------------------------------------------ the ledger append and commit

    /** Whether this process is the database's only writer (the head is then trusted from memory). */
    default boolean soleWriter(String rawUrl) {
        return false;
    }

    /** Whether capture's committed-state reads use a side connection. */
    default boolean readsCommittedOnSideConnection() {
        return false;
    }

    /** The query that takes the lock serialising appends, or null where the transaction holds it already. */
    default String lockLedgerSql() {
        return LOCK_LEDGER;
    }

    /** Whether the head check goes into the ledger insert itself (see LedgerStore#appendIfHead). */
    default boolean checksHeadInInsert() {
        return true;
    }

    /** The query run after an asynchronous commit that returns once it is durable, or null (commits are synchronous). */
    default String awaitDurableSql() {
        return null;
    }

    /**
     * Opens the transaction of one autocommit row write on {@code c} (in autocommit mode; not for DDL). The session
     * ends it with {@code commit()} or {@code rollback()} and then sets autocommit on again.
     */
    default void beginAutocommitWrite(Connection c) throws SQLException {
        c.setAutoCommit(false);
    }

    /** Whether an autocommit write's transaction is committed by switching autocommit back on (one commit, not two). */
    default boolean commitsByAutoCommit() {
        return false;
    }

    /** Whether some statements that change no rows still commit the open transaction (LOCK TABLES, ANALYZE, SET …). */
    default boolean hasImplicitCommits() {
        return false;
    }

    /** Whether the cluster applier switches the database to a write-ahead log (SQLite). */
    default boolean needsWriteAheadLog() {
        return false;
    }

    // ------------------------------------------------------------------ generated keys

    /** Whether the only generated key is the row id (SQLite's INTEGER PRIMARY KEY). */
    default boolean generatedKeyIsRowid() {
        return false;
    }

    /** Whether a multi-row INSERT reports one key for all its rows (then the keys are stepped from it). */
    default boolean reportsOneKeyForManyRows() {
        return false;
    }

    /** Whether that one key is the first row's, stepped by auto_increment_increment (else the last row's, step 1). */
    default boolean reportsFirstKeyOfMany() {
        return false;
    }

    /** Whether the driver reports generated keys even when none were asked for. */
    default boolean reportsKeysUnasked() {
        return false;
    }

    /** Whether {@code getGeneratedKeys()} throws when no keys were asked for (else it returns an empty result). */
    default boolean refusesUnaskedKeys() {
        return false;
    }

    /** Whether the database enforces foreign keys (and so fires their referential actions) on this connection. */
    default boolean enforcesForeignKeys(Connection c) throws SQLException {
        return true;
    }

    /** Whether a statement's update count includes the rows its foreign keys' referential actions changed. */
    default boolean countsReferentialActionRows() {
        return false;
    }

    /**
     * What an UPDATE of a keyed table can return of the rows it changed, asked as generated keys (see ChangedRows):
     * the whole rows, the key columns, or nothing.
     */
    default ReturnedRows updateReturns() {
        return ReturnedRows.NOTHING;
    }

    /**
     * One statement that runs an UPDATE and returns each changed row's before- and after-image: {@code update} (the
     * application's {@code UPDATE t [alias] SET …}, as written, without its WHERE) runs on exactly the rows of
     * {@code from} (the table, followed by the alias if any) that {@code where} (the application's WHERE, or null)
     * selects, read and locked by {@code lock} in the same statement before they change. {@code ref} names the
     * table's rows in both ({@code alias} or the table's name); {@code keys} are its primary-key columns, quoted.
     * The result has one row per changed row: the number of rows locked, the new row (the table's columns), the
     * locked row (the same columns); or one row of that number and NULLs when none changed. Parameters: the
     * WHERE's, then the UPDATE's. Only where {@link #returnsUpdateImages}.
     */
    default String updateWithImages(String update, String ref, String from, String where, String lock, List<String> keys) {
        throw new UnsupportedOperationException("no UPDATE returning its before-images on " + dialect());
    }

    /**
     * Whether {@code e} says a statement prepared on the server no longer fits a table changed since (PostgreSQL:
     * "cached plan must not change result type" after a column was added or dropped behind the driver).
     */
    default boolean outdatedByTableChange(SQLException e) {
        return false;
    }

    /**
     * Whether {@code table} shares its rows with other tables (PostgreSQL: a partition, a partitioned table, an
     * inheritance parent or child), so that a write to one of them can change rows another one shows.
     */
    default boolean sharesRows(Connection c, String schema, String table) throws SQLException {
        return false;
    }

    /** Whether {@link #updateWithImages} exists here. */
    default boolean returnsUpdateImages() {
        return false;
    }

    /** Whether a DELETE can return the whole rows it deleted, asked as generated keys. */
    default boolean deleteReturnsRows() {
        return false;
    }

    /**
     * Whether the rows a locking read returns are exactly the rows the write that follows changes (InnoDB's current
     * reads; SQLite's single writer). Elsewhere (READ COMMITTED re-evaluation) capture checks what the write did.
     */
    default boolean lockedReadIsTheWritesRows() {
        return false;
    }

    /** The WHERE text of capture's locking read of a write's rows (MariaDB: its subqueries lock too). */
    default String lockingWhere(String where) {
        return where;
    }

    /** A row identity ({@link #rowIdentity}) as read from column {@code column}. */
    default Object readRowId(java.sql.ResultSet rs, int column) throws SQLException {
        return rs.getLong(column);
    }

    /**
     * How a read of several rows by a composite key whose columns have the types {@code keyTypes} (the metadata's type
     * names) lists the keys (see {@link CompositeKeyList}).
     */
    default CompositeKeyList compositeKeyList(List<String> keyTypes) {
        return CompositeKeyList.OR_OF_ANDS;
    }

    /** Whether a failed statement left {@code real}'s transaction aborted, so that it can only roll back. */
    default boolean transactionAborted(Connection real) throws SQLException {
        return false;
    }

    /**
     * Whether a failed batch inside a transaction is undone as one statement (MariaDB's bulk batch), so the driver
     * must mark a savepoint before it to cut its captured changes back to match.
     */
    default boolean undoesFailedBatchAsOneStatement() {
        return false;
    }

    /**
     * Whether commits write pending entries that a sealer chains (the sealed ledger, schema version 2: see
     * PendingCommit and Sealer), rather than appending under the head lock.
     */
    default boolean sealsPendingEntries() {
        return sealing() != null;
    }

    /** This database's statements for the sealed ledger, or null where it does not seal (appends lock the head). */
    default Sealing sealing() {
        return null;
    }

    /** How the raw driver runs an autocommit executeBatch whose item fails (see {@link AutocommitBatch}). */
    AutocommitBatch autocommitBatch(boolean prepared);

    /** Whether the application sees every item's keys after executeBatch (else none). */
    default boolean batchShowsEveryKey(boolean prepared, boolean wantsKeys) {
        return prepared && wantsKeys;
    }

    /** Whether an INSERT … SELECT's generated keys are consecutive only under a setting capture must check. */
    default boolean checksConsecutiveIds() {
        return false;
    }

    /** Whether UPDATE … SET evaluates assignments left to right (a later one sees an earlier one's new value). */
    default boolean assignsLeftToRight() {
        return false;
    }

    /** Whether a row inserted with an explicit key moves the identity generator past it. */
    default boolean explicitKeysAdvanceIdentity() {
        return true;
    }

    /** Whether identity columns draw from a named sequence (PostgreSQL's serial), else from the column itself. */
    default boolean identitiesUseSequences() {
        return false;
    }

    // ------------------------------------------------------------------ values

    /**
     * The value a column reads back (as {@code Values.read} reads it) after an INSERT stored {@code bound}, the Java
     * value a parameter was bound with ({@code Params.Known}; null for a NULL), where this database is known to store
     * exactly that; null where it may store something else (a rounded decimal, a truncated string, a type it
     * converts), and capture then reads the row back. The INSERT itself is the database's: a value it refuses fails
     * the statement, and nothing is recorded. The column is given by its metadata: type name, COLUMN_SIZE (0: none
     * declared) and DECIMAL_DIGITS (null: none).
     */
    default Value storedAsBound(Object bound, String typeName, int size, Integer digits) {
        return null;
    }

    /** Whether values are read by their storage class rather than the column's declared type (SQLite). */
    default boolean readsByStorageClass() {
        return false;
    }

    /** Whether BOOLEAN is an integer column (MariaDB's TINYINT(1)). */
    default boolean booleanIsInteger() {
        return false;
    }

    /** Whether text is bound untyped so the server casts it to the column's type (PostgreSQL). */
    default boolean bindsTextUntyped() {
        return false;
    }

    String LOCK_LEDGER = "SELECT meta_value FROM ledger_meta WHERE meta_key = 'schema_version' FOR UPDATE";
}
