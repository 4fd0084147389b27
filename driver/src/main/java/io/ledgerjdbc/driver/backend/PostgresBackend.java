package io.ledgerjdbc.driver.backend;

import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL through pgjdbc. The append lock is a row lock held until the commit ends, so the commit that takes
 * it is made asynchronous and its durability awaited outside the lock (see LedgerAppender#lockLedger); key-less
 * rows are followed by the ctid a RETURNING clause gives back; a failed statement aborts the transaction.
 */
final class PostgresBackend implements Backend {

    static final PostgresBackend INSTANCE = new PostgresBackend();

    private static final Set<Syntax> SYNTAX = EnumSet.of(Syntax.NESTED_COMMENTS, Syntax.TAGGED_DOLLAR_QUOTES,
            Syntax.DOLLAR_NUMBER_PARAMS, Syntax.QUESTION_OPERATORS, Syntax.ESCAPE_STRINGS, Syntax.UNICODE_LITERALS,
            Syntax.MERGE_USING);

    private static final String LOCK_LEDGER_ASYNC_COMMIT = "SELECT meta_value, set_config('synchronous_commit', 'off', true)"
            + " FROM ledger_meta WHERE meta_key = 'schema_version' FOR UPDATE";
    /** The smallest WAL record a transaction can write (executable by every role, nothing stored). */
    private static final String AWAIT_DURABLE = "SELECT pg_logical_emit_message(true, 'ledgerjdbc', '')";

    private PostgresBackend() {
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.POSTGRESQL;
    }

    @Override
    public String urlPrefix() {
        return "jdbc:postgresql:";
    }

    @Override
    public boolean has(Syntax feature) {
        return SYNTAX.contains(feature);
    }

    @Override
    public List<String> nameCandidates(String unquoted) {
        return List.of(unquoted.toLowerCase(Locale.ROOT), unquoted);
    }

    @Override
    public String foldName(String unquoted) {
        return unquoted.toLowerCase(Locale.ROOT);
    }

    @Override
    public String triggerOn(Connection c, String schema, String table) throws SQLException {
        // a partition's BEFORE ROW trigger fires for rows inserted through its parent
        return Queries.first(c, "WITH RECURSIVE rel(oid) AS (SELECT r.oid FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace"
                + " WHERE r.relname = ? AND n.nspname = ? UNION SELECT i.inhrelid FROM pg_inherits i JOIN rel ON i.inhparent = rel.oid)"
                + " SELECT t.tgname FROM pg_trigger t JOIN rel ON rel.oid = t.tgrelid WHERE NOT t.tgisinternal", table, schema);
    }

    @Override
    public String tableSideEffect(Connection c, String schema, String table, boolean keyless) throws SQLException {
        String rule = Queries.first(c, "SELECT rulename FROM pg_rules WHERE tablename = ? AND schemaname = ?", table, schema);
        if (rule != null) {
            return "rule " + rule + " on " + table + " can rewrite writes into changes capture does not see";
        }
        if (keyless && Queries.first(c, "SELECT r.relname FROM pg_class r JOIN pg_namespace n "
                + "ON n.oid = r.relnamespace WHERE (r.relkind = 'p' OR r.relhassubclass) AND r.relname = ? AND n.nspname = ?", table, schema) != null) {
            return table + " has no primary key and has partitions or inheritance children: capture follows its rows by ctid,"
                    + " which is unique only within one of them";
        }
        return null;
    }

    @Override
    public String signatureType() {
        return "BYTEA";
    }

    /** ctid picks one row within a statement; it changes on update, so it is no stable row id. */
    @Override
    public String rowIdentity() {
        return "ctid";
    }

    @Override
    public boolean returnsRowIds() {
        return true;
    }

    /** FOR UPDATE would wait behind foreign-key checks the plain UPDATE (FOR NO KEY UPDATE) does not wait for. */
    @Override
    public String forUpdateKeepingKey() {
        return " FOR NO KEY UPDATE";
    }

    @Override
    public String forShare() {
        return " FOR SHARE";
    }

    @Override
    public String mergeTableLock(String target) {
        return "LOCK TABLE " + target + " IN SHARE ROW EXCLUSIVE MODE";
    }

    @Override
    public boolean abortsTransactionOnError() {
        return true;
    }

    /** A one-off read: no server-side prepare. */
    @Override
    public void prepareRead(PreparedStatement ps) throws SQLException {
        if (ps.isWrapperFor(org.postgresql.PGStatement.class)) {
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
        }
    }

    /**
     * A {@code VALUES} list types each column from its values, not from the key column: an untyped parameter (a
     * string the driver binds for a uuid, an enum, a domain; any string under {@code stringtype=unspecified}) makes it
     * {@code text}, which a uuid cannot be compared with, and a {@code char(n)} key compared as text keeps its padding
     * on one side only. So only keys whose every column is of a type bound typed, or compared alike as text.
     */
    @Override
    public CompositeKeyList compositeKeyList(List<String> keyTypes) {
        for (String type : keyTypes) {
            if (type == null || !VALUES_LIST_KEY_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
                return CompositeKeyList.OR_OF_ANDS;
            }
        }
        return CompositeKeyList.VALUES_LIST;
    }

    private static final Set<String> VALUES_LIST_KEY_TYPES = Set.of("int2", "int4", "int8", "serial", "bigserial", "smallserial",
            "numeric", "date", "timestamp", "timestamptz", "bool", "varchar", "text");

    @Override
    public String lockLedgerSql() {
        return LOCK_LEDGER_ASYNC_COMMIT;
    }

    @Override
    public String awaitDurableSql() {
        return AWAIT_DURABLE;
    }

    @Override
    public boolean explicitKeysAdvanceIdentity() {
        return false;
    }

    @Override
    public boolean identitiesUseSequences() {
        return true;
    }

    @Override
    public boolean bindsTextUntyped() {
        return true;
    }

    @Override
    public AutocommitBatch autocommitBatch(boolean prepared) {
        return AutocommitBatch.ATOMIC;
    }

    @Override
    public ReturnedRows updateReturns() {
        return ReturnedRows.WHOLE_ROWS;
    }

    @Override
    public boolean sharesRows(Connection c, String schema, String table) throws SQLException {
        return Queries.first(c, "SELECT 1 FROM pg_inherits i JOIN pg_class r ON r.oid = i.inhrelid OR r.oid = i.inhparent"
                + " JOIN pg_namespace n ON n.oid = r.relnamespace WHERE r.relname = ? AND n.nspname = ? LIMIT 1", table, schema) != null;
    }

    @Override
    public boolean outdatedByTableChange(SQLException e) {
        return "0A000".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().contains("cached plan must not change result type");
    }

    @Override
    public boolean returnsUpdateImages() {
        return true;
    }

    /**
     * The locked rows are a CTE the UPDATE joins by key, so they are locked before the UPDATE changes them and are
     * exactly the versions it changes (under READ COMMITTED the UPDATE re-checks the join against the newest version,
     * which the lock keeps from changing). Each is kept whole, as one composite value, so that no column name of the
     * table appears twice in the UPDATE (its SET may name columns unqualified) and a column added or dropped behind
     * the driver shows in both images alike. The count of locked rows tells a row the UPDATE missed: one whose key
     * another transaction changed between the statement's snapshot and the lock.
     */
    @Override
    public String updateWithImages(String update, String ref, String from, String where, String lock, List<String> keys) {
        StringBuilder join = new StringBuilder();
        for (String k : keys) {
            join.append(join.length() == 0 ? "" : " AND ").append(ref).append('.').append(k)
                    .append(" = (ledgerjdbc_before.ledgerjdbc_row).").append(k);
        }
        return "WITH ledgerjdbc_before AS (SELECT " + ref + " AS ledgerjdbc_row FROM " + from + (where == null ? "" : " WHERE " + where)
                + lock + "), ledgerjdbc_changed AS (" + update + " FROM ledgerjdbc_before WHERE " + join + " RETURNING " + ref
                + ".*, (ledgerjdbc_before.ledgerjdbc_row).*) SELECT * FROM (SELECT count(*) AS ledgerjdbc_locked FROM ledgerjdbc_before)"
                + " ledgerjdbc_locked LEFT JOIN ledgerjdbc_changed ON true";
    }

    @Override
    public boolean deleteReturnsRows() {
        return true;
    }

    /** A {@code ctid}, as text. */
    @Override
    public Object readRowId(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        return rs.getString(column);
    }

    @Override
    public boolean transactionAborted(Connection real) throws SQLException {
        return real.isWrapperFor(org.postgresql.core.BaseConnection.class)
                && real.unwrap(org.postgresql.core.BaseConnection.class).getTransactionState()
                == org.postgresql.core.TransactionState.FAILED;
    }

    @Override
    public Sealing sealing() {
        return PostgresSealing.INSTANCE;
    }

    @Override
    public Value storedAsBound(Object bound, String typeName, int size, Integer digits) {
        return PostgresStoredValues.storedAsBound(bound, typeName, size, digits);
    }
}
