package io.ledgerjdbc.driver.sql;

import java.util.Locale;
import java.util.Set;

/** Keyword sets the analyzer decides by; upper case. */
final class SqlKeywords {

    private SqlKeywords() {
    }

    /**
     * First keywords of statements that read or only set session state: passed through without parsing.
     * LOCK/UNLOCK take locks but change no row; ANALYZE/VACUUM/CHECKPOINT/REINDEX change no table data (ANALYZE
     * followed by a statement is handled apart: MariaDB's ANALYZE runs that statement). RESET, DISCARD,
     * DEALLOCATE, LISTEN and UNLISTEN only touch PostgreSQL session state (poolers send DISCARD ALL).
     */
    static final Set<String> READS = Set.of("SELECT", "WITH", "SHOW", "EXPLAIN", "VALUES", "TABLE", "DESCRIBE",
            "DESC", "PRAGMA", "SET", "USE", "HELP", "CHECKPOINT", "ANALYZE", "ANALYSE", "VACUUM", "REINDEX", "LOCK", "UNLOCK",
            "RESET", "DISCARD", "DEALLOCATE", "LISTEN", "UNLISTEN");

    /**
     * Every word that can begin a statement in SQLite, H2 2.x, PostgreSQL 15 or MariaDB 10.11 (their grammars'
     * statement lists, H2's from its parser), sqlite-jdbc's own {@code backup}/{@code restore} commands, and the
     * words of MariaDB's and Oracle-mode compound statements. A first word outside this set cannot start anything any
     * of the four would run: such a statement is a syntax error in the database, which says so itself (see
     * SqlAnalyzer). Larger than needed is safe — a listed word the analyzer does not handle stays refused.
     */
    static final Set<String> STATEMENT_WORDS = Set.of("ABORT", "ALTER", "ANALYSE", "ANALYZE", "ATTACH", "BACKUP",
            "BEGIN", "BINLOG", "CACHE", "CALL", "CASE", "CHANGE", "CHECK", "CHECKPOINT", "CHECKSUM", "CLOSE", "CLUSTER",
            "COMMENT", "COMMIT", "CONTINUE", "COPY", "CREATE", "DEALLOCATE", "DECLARE", "DELETE", "DESC", "DESCRIBE", "DETACH",
            "DISCARD", "DO", "DROP", "END", "EXCEPTION", "EXEC", "EXECUTE", "EXIT", "EXPLAIN", "FETCH", "FLUSH", "FOR", "GET",
            "GOTO", "GRANT", "HANDLER", "HELP", "IF", "IMPORT", "INSERT", "INSTALL", "ITERATE", "KILL", "LEAVE", "LISTEN",
            "LOAD", "LOCK", "LOOP", "MERGE", "MOVE", "NOTIFY", "NULL", "OPEN", "OPTIMIZE", "PERFORM", "PRAGMA", "PREPARE",
            "PURGE", "RAISE", "REASSIGN", "REFRESH", "REINDEX", "RELEASE", "RENAME", "REPAIR", "REPEAT", "REPLACE", "RESET",
            "RESIGNAL", "RESTORE", "RETURN", "REVOKE", "ROLLBACK", "RUNSCRIPT", "SAVEPOINT", "SCRIPT", "SECURITY", "SELECT",
            "SET", "SHOW", "SHUTDOWN", "SIGNAL", "START", "STOP", "TABLE", "TRUNCATE", "UNINSTALL", "UNLISTEN", "UNLOCK",
            "UPDATE", "UPSERT", "USE", "VACUUM", "VALUES", "WHILE", "WITH", "XA");

    /** Reads that are queries: they may hide a write (SELECT … INTO, nextval(…), H2 delta tables). */
    static final Set<String> QUERIES = Set.of("SELECT", "WITH", "VALUES", "TABLE");

    /** First keywords that run server-side code. */
    static final Set<String> CALLS = Set.of("CALL", "EXEC", "EXECUTE", "DO");

    static final Set<String> DDL = Set.of("CREATE", "ALTER", "DROP", "RENAME", "COMMENT", "GRANT", "REVOKE");

    static final Set<String> TRANSACTION = Set.of("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT",
            "SAVEPOINT", "RELEASE", "PREPARE");

    /** Words that start the statement an EXPLAIN [ANALYZE] or MariaDB ANALYZE is about. */
    static final Set<String> EXPLAINED_STATEMENT = Set.of("SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE",
            "DELETE", "MERGE", "REPLACE", "UPSERT", "CREATE", "EXECUTE", "DECLARE", "CALL");

    /** Statement words after MariaDB's ANALYZE (ANALYZE TABLE t is statistics, not a statement). */
    static final Set<String> ANALYZED_STATEMENT = Set.of("SELECT", "WITH", "VALUES", "INSERT", "UPDATE", "DELETE",
            "REPLACE", "MERGE");

    /**
     * The word after CREATE/ALTER/DROP that names the kind of object; the words before it are modifiers
     * (OR REPLACE, TEMP, UNIQUE, DEFINER = …). CONSTRAINT is deliberately absent (CREATE CONSTRAINT TRIGGER).
     */
    static final Set<String> OBJECT_KINDS = Set.of("TABLE", "INDEX", "VIEW", "TRIGGER", "FUNCTION", "PROCEDURE",
            "RULE", "EVENT", "ALIAS", "PACKAGE", "SEQUENCE", "SCHEMA", "DATABASE", "TYPE", "DOMAIN", "EXTENSION",
            "ROLE", "USER", "AGGREGATE", "COLLATION", "CAST", "OPERATOR", "POLICY", "PUBLICATION", "SUBSCRIPTION",
            "SERVER", "TABLESPACE", "LANGUAGE", "CONSTANT", "SYNONYM", "STATISTICS", "TRANSFORM", "CONVERSION",
            "ACCESS", "GROUP");

    /** Objects whose creation installs code that can write tables behind capture's back. */
    static final Set<String> ROUTINES = Set.of("TRIGGER", "FUNCTION", "PROCEDURE", "RULE", "EVENT", "ALIAS",
            "PACKAGE");

    /**
     * Words Calcite Babel reserves that are ordinary column names in the backends (measured: {@code date},
     * {@code time}, {@code timestamp}, … fail to parse unquoted). In the copy handed to Calcite they are
     * quoted where they stand as identifiers. Left out on purpose, because subqueries use them as keywords:
     * NEXT (NEXT VALUE FOR, FETCH NEXT), OFFSET, ROWS, RANGE, NEW, MINUS.
     */
    static final Set<String> CALCITE_RESERVED_NAMES = Set.of("DATE", "TIME", "TIMESTAMP", "DATETIME", "UUID",
            "PATTERN", "MEASURE", "DEFINE", "SNAPSHOT", "STREAM",
            "ORDINAL", "SKIP", "VARIANT", "VOLATILE", "UNSIGNED", "QUALIFY", "ASOF", "DATEADD", "DATEDIFF",
            "DATEPART", "DATE_PART", "MATCH_CONDITION", "JSON_SCOPE", "SAFE_OFFSET", "SAFE_ORDINAL", "MONDAY",
            "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY");

    /** Interval units, for {@code INTERVAL '1' DAY}-style literals. */
    static final Set<String> INTERVAL_UNITS = Set.of("YEAR", "YEARS", "MONTH", "MONTHS", "WEEK", "WEEKS", "DAY",
            "DAYS", "HOUR", "HOURS", "MINUTE", "MINUTES", "SECOND", "SECONDS", "QUARTER", "MICROSECOND",
            "MILLISECOND", "TO");

    /** Prefixes that make {@code word 'string'} a typed literal. */
    static final Set<String> TYPED_LITERAL_PREFIXES = Set.of("DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ",
            "INTERVAL");

    /** The upper-case text of token {@code i}. */
    static String upper(SqlSource s, int i) {
        return s.text(i).toUpperCase(Locale.ROOT);
    }

    /** Whether token {@code i} is an unquoted word in {@code set}. */
    static boolean in(SqlSource s, int i, Set<String> set) {
        return i >= 0 && i < s.size() && s.type(i) == SqlSource.WORD && set.contains(upper(s, i));
    }
}
