package io.ledgerjdbc.driver.backend;

import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Set;
import org.apache.calcite.config.Lex;

/**
 * MariaDB through MariaDB Connector/J: schemas are catalogs, identifiers are quoted with backticks, "…" is a
 * string, a multi-row INSERT reports its first key, InnoDB's row id is hidden, and some statements commit.
 */
final class MariaDbBackend implements Backend {

    static final MariaDbBackend INSTANCE = new MariaDbBackend();

    private static final Set<Syntax> SYNTAX = EnumSet.of(Syntax.BACKSLASH_STRINGS, Syntax.HASH_COMMENTS,
            Syntax.DASH_COMMENT_NEEDS_SPACE, Syntax.EXECUTABLE_COMMENTS, Syntax.DOUBLE_QUOTED_STRINGS,
            Syntax.BACKTICK_IDENTIFIERS, Syntax.USER_VARIABLES, Syntax.VALUE_KEYWORD);

    private MariaDbBackend() {
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.MARIADB;
    }

    @Override
    public String urlPrefix() {
        return "jdbc:mariadb:";
    }

    @Override
    public boolean has(Syntax feature) {
        return SYNTAX.contains(feature);
    }

    @Override
    public String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** Backtick quoting, names keep their case. */
    @Override
    public Lex calciteLex() {
        return Lex.MYSQL;
    }

    @Override
    public String defaultSchema(Connection c) throws SQLException {
        return c.getCatalog();
    }

    @Override
    public boolean schemaIsCatalog() {
        return true;
    }

    @Override
    public String triggerOn(Connection c, String schema, String table) throws SQLException {
        return Queries.first(c, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_TABLE = ? "
                + "AND EVENT_OBJECT_SCHEMA = ?", table, schema);
    }

    @Override
    public String tableSideEffect(Connection c, String schema, String table, boolean keyless) throws SQLException {
        String engine = Queries.first(c, "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_NAME = ? AND TABLE_SCHEMA = ?", table, schema);
        if (engine != null && !engine.equalsIgnoreCase("InnoDB")) {
            return table + " uses the " + engine + " engine, which does not roll back: a change could outlive its failed entry";
        }
        return null;
    }

    @Override
    public String forShare() {
        return " LOCK IN SHARE MODE";
    }

    /** InnoDB's row id is hidden: the stored rows (with their defaults) cannot be read back exactly. */
    @Override
    public boolean followsKeylessInserts() {
        return false;
    }

    @Override
    public boolean hasImplicitCommits() {
        return true;
    }

    /**
     * {@code START TRANSACTION} with autocommit left on: one round trip where Connector/J's {@code setAutoCommit(false)}
     * and, after the commit, {@code setAutoCommit(true)} cost one each ({@code set autocommit=0/1}). Its {@code commit()}
     * and {@code rollback()} look at the server's in-transaction flag, not at autocommit, so they end it; switching
     * autocommit on again is then free. Row writes only: after DDL's implicit commit, statements would autocommit.
     */
    @Override
    public void beginAutocommitWrite(Connection c) throws SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("START TRANSACTION");
        }
    }

    @Override
    public boolean reportsOneKeyForManyRows() {
        return true;
    }

    /** The first row's key; the others follow by auto_increment_increment. */
    @Override
    public boolean reportsFirstKeyOfMany() {
        return true;
    }

    /** "Cannot return generated keys: query was not set with Statement.RETURN_GENERATED_KEYS" (measured). */
    @Override
    public boolean refusesUnaskedKeys() {
        return true;
    }

    /**
     * Every item's keys; a PreparedStatement that did not ask for keys throws there, but the driver asked for them
     * itself, so it answers none.
     */
    @Override
    public boolean batchShowsEveryKey(boolean prepared, boolean wantsKeys) {
        return !prepared || wantsKeys;
    }

    @Override
    public boolean checksConsecutiveIds() {
        return true;
    }

    /** {@code SET a = a + 1, id = a} gives id the NEW a. */
    @Override
    public boolean assignsLeftToRight() {
        return true;
    }

    /** TINYINT(1): an integer column that merely defaults to 0/1. */
    @Override
    public boolean booleanIsInteger() {
        return true;
    }

    @Override
    public AutocommitBatch autocommitBatch(boolean prepared) {
        return prepared ? AutocommitBatch.ATOMIC : AutocommitBatch.CONTINUE;
    }

    @Override
    public boolean lockedReadIsTheWritesRows() {
        return true;
    }

    @Override
    public String lockingWhere(String where) {
        return MariaDbSubqueryLocks.lockSubqueries(where);
    }

    @Override
    public boolean undoesFailedBatchAsOneStatement() {
        return true;
    }

    @Override
    public Sealing sealing() {
        return MariaDbSealing.INSTANCE;
    }
}
