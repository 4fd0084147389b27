package io.ledgerjdbc.driver.sql;

import java.util.List;
import java.util.Objects;

/**
 * What one SQL string does, as far as capture is concerned. Produced once per distinct SQL string by
 * {@link SqlAnalyzer} and cached; immutable and thread-safe.
 */
public sealed interface Analysis {

    /** A statement that reads (SELECT, WITH … SELECT, SHOW, EXPLAIN, VALUES, …) or sets session state: passes straight through. */
    record Read() implements Analysis {
    }

    /**
     * {@code INSERT INTO table [(columns)] VALUES (row), (row), …}.
     *
     * @param columns the column list as written, or empty when the statement names none (then every column
     *                of the table, in table order)
     * @param rows    per row, one expression per value, in column order
     */
    record Insert(TableRef table, List<String> columns, List<List<SqlExpr>> rows, int paramCount) implements Analysis {
        public Insert {
            columns = List.copyOf(columns);
            rows = rows.stream().map(List::copyOf).toList();
        }
    }

    /**
     * {@code INSERT INTO table [(columns)] query}: the rows come from a query (SELECT, WITH, TABLE, a set
     * operation), run as written.
     *
     * @param columns the column list as written, or empty (then every column of the table, in table order)
     * @param query   the query's exact text
     */
    record InsertSelect(TableRef table, List<String> columns, SqlExpr query, int paramCount) implements Analysis {
        public InsertSelect {
            columns = List.copyOf(columns);
        }
    }

    /**
     * Standard {@code MERGE INTO target [[AS] alias] USING source [[AS] alias] ON condition WHEN … THEN …}.
     *
     * @param targetText  the target table's name as written (reused verbatim in capture's own queries)
     * @param targetAlias the target's alias as written, or null
     * @param source      the source as written: a table name or a parenthesised query or VALUES list
     * @param sourceAlias the source's alias as written (with a column list if it has one), or null
     * @param on          the ON condition
     * @param clauses     the WHEN clauses in order (the first whose condition holds acts on a row)
     */
    record Merge(TableRef table, String targetText, String targetAlias, SqlExpr source, String sourceAlias, SqlExpr on,
                 List<MergeClause> clauses, int paramCount) implements Analysis {
        public Merge {
            clauses = List.copyOf(clauses);
        }
    }

    /**
     * One {@code WHEN [NOT] MATCHED [AND condition] THEN action} of a MERGE.
     *
     * @param condition     the AND condition, or null
     * @param assignments   UPDATE: the SET list; empty otherwise
     * @param insertColumns INSERT: the column list as written, empty when it names none
     * @param insertValues  INSERT: the VALUES expressions
     */
    record MergeClause(boolean matched, SqlExpr condition, MergeAction action, List<Assignment> assignments,
                       List<String> insertColumns, List<SqlExpr> insertValues) {
        public MergeClause {
            assignments = List.copyOf(assignments);
            insertColumns = List.copyOf(insertColumns);
            insertValues = List.copyOf(insertValues);
        }
    }

    enum MergeAction { UPDATE, DELETE, INSERT, NOTHING }

    /**
     * {@code UPDATE table SET column = expr, … [WHERE condition]}.
     *
     * @param where the condition, or null when there is none (every row)
     */
    record Update(TableRef table, List<Assignment> assignments, SqlExpr where, int paramCount, String alias) implements Analysis {
        public Update {
            assignments = List.copyOf(assignments);
        }

        public Update(TableRef table, List<Assignment> assignments, SqlExpr where, int paramCount) {
            this(table, assignments, where, paramCount, null);
        }
    }

    /**
     * {@code DELETE FROM table [[AS] alias] [WHERE condition]}; {@code where} is null when there is none.
     * {@code alias} (also on {@link Update}) is the table's alias as written, or null: the WHERE may use it.
     */
    record Delete(TableRef table, SqlExpr where, int paramCount, String alias) implements Analysis {
        public Delete(TableRef table, SqlExpr where, int paramCount) {
            this(table, where, paramCount, null);
        }
    }

    /**
     * A schema change, executed as written and recorded by its text.
     *
     * @param object the object created, altered or dropped, as written (for CREATE/DROP INDEX the index name)
     * @param table  the table whose shape may change (for CREATE/ALTER/DROP TABLE, CREATE INDEX ON t), or null
     * @param recordedSql the DDL to record when it differs from the statement (H2's CREATE TABLE … AS SELECT is
     *                    recorded as its CREATE TABLE, its rows as inserts), or null for the statement as written
     */
    /** {@code object}: the name the statement creates, alters or drops, as written; "" when it names none (GRANT, an unnamed index). */
    record Ddl(DdlKind kind, String object, TableRef table, String recordedSql) implements Analysis {
        public Ddl {
            object = object == null ? "" : object; // recorded as an empty object, never left without its entry
        }

        public Ddl(DdlKind kind, String object, TableRef table) {
            this(kind, object, table, null);
        }
    }

    /** BEGIN / START TRANSACTION, COMMIT / END, ROLLBACK, SAVEPOINT name, RELEASE [SAVEPOINT] name, ROLLBACK TO [SAVEPOINT] name. */
    record TransactionControl(TxCommand command, String savepoint) implements Analysis {
    }

    /**
     * An upsert: {@code INSERT … ON CONFLICT …} (PostgreSQL, SQLite), {@code INSERT … ON DUPLICATE KEY UPDATE …},
     * {@code INSERT IGNORE}, {@code REPLACE INTO} (MariaDB, SQLite), {@code INSERT OR REPLACE|IGNORE} (SQLite), H2's
     * {@code MERGE INTO t (…) [KEY (…)] VALUES …}. Capture records it by the primary-key values its rows name. An
     * upsert whose plain INSERT cannot be found is {@link Refused} under the same construct.
     *
     * @param core      the plain {@code INSERT … VALUES} it starts with, analysed; each {@code ?} of its rows at the
     *                  same index as in the upsert (see {@link Upserts})
     * @param construct its name in refusals, e.g. "INSERT ... ON CONFLICT", "REPLACE INTO"
     */
    record Upsert(Insert core, String construct) implements Analysis {
        public Upsert {
            Objects.requireNonNull(core, "core");
            Objects.requireNonNull(construct, "construct");
        }
    }

    /**
     * A statement the driver cannot capture faithfully: refused before it runs (SQLState 0A000).
     *
     * @param construct names what was found, e.g. "UPDATE ... LIMIT", "INSERT ... ON CONFLICT", "CALL"
     * @param reason    why it cannot be captured, and the option that changes the policy if there is one
     */
    record Refused(String construct, String reason) implements Analysis {
        public Refused {
            Objects.requireNonNull(construct, "construct");
            Objects.requireNonNull(reason, "reason");
        }
    }

    enum DdlKind { CREATE_TABLE, ALTER_TABLE, DROP_TABLE, CREATE_INDEX, DROP_INDEX, CREATE_VIEW, DROP_VIEW, OTHER }

    enum TxCommand { BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE_SAVEPOINT, ROLLBACK_TO_SAVEPOINT }

    /**
     * A table as the statement names it.
     *
     * @param schema the schema (or catalog/database on MariaDB) qualifier, or null
     * @param name   the table name without quotes
     * @param quoted whether the name was quoted (then its case is exact; otherwise the database folds it)
     */
    record TableRef(String schema, String name, boolean quoted) {
        public TableRef {
            Objects.requireNonNull(name, "name");
        }

        /** The table a ledger entry names ({@code schema.table} or {@code table}), exactly as recorded. */
        public static TableRef ofLedgerName(String ledgerName) {
            int dot = ledgerName.indexOf('.');
            return dot < 0 ? new TableRef(null, ledgerName, true)
                    : new TableRef(ledgerName.substring(0, dot), ledgerName.substring(dot + 1), true);
        }
    }

    /** {@code column = expr} in an UPDATE's SET list; {@code column} without quotes. */
    record Assignment(String column, boolean quoted, SqlExpr value) {
    }

    /**
     * A piece of the original statement: its exact text (so it can be reused in the driver's own queries in
     * the backend's own dialect), and which of the statement's {@code ?} parameters it contains.
     *
     * @param text       the exact source text of the expression, as written
     * @param firstParam the 1-based JDBC index of its first {@code ?}, or 0 when it has none
     * @param paramCount how many {@code ?} it contains (they are consecutive in the statement)
     * @param kind       PARAM (exactly one {@code ?}), LITERAL (a constant: number, string, TRUE/FALSE/NULL, DATE '…'),
     *                   or EXPRESSION (anything else: a column reference, a call, arithmetic, a subquery)
     */
    record SqlExpr(String text, int firstParam, int paramCount, ExprKind kind) {
    }

    enum ExprKind { PARAM, LITERAL, EXPRESSION }
}
