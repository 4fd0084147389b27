package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.schema.TableCatalog;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.capture.ActionRows.Group;
import io.ledgerjdbc.driver.capture.ForeignKeys.ForeignKey;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which referential actions ({@code ON DELETE/UPDATE CASCADE, SET NULL, SET DEFAULT}) a DELETE or a
 * referenced-key UPDATE fires, follows them through the foreign-key graph and refuses those capture cannot follow;
 * the rows they change are found and locked before the statement runs and recorded after it ({@link Pending}) as
 * row changes of the same entry, children before their parents. Reading the foreign keys is {@link ForeignKeys}'
 * job, reading and locking the rows {@link ActionRows}'.
 *
 * <p><b>Determinism.</b> The rows are those the database's own actions will change: before the statement the
 * parent rows its WHERE selects are locked ({@code FOR UPDATE}; SQLite holds the write lock already), so no child
 * can start referencing them; then every child row referencing them through a firing foreign key is read and
 * locked, level by level. After the statement each is read again: a row gone is a DELETE, a row changed an UPDATE,
 * a row unchanged no change (an action that did not fire: the key kept its value, {@code foreign_keys} off).
 * The changes are recorded as observed, never computed.
 *
 * <p><b>Order.</b> Descendants come before their ancestors and all before the statement's own changes, so replay and
 * the cluster applier change each child first and the database's own action, when the parent row is applied,
 * finds nothing left to do; each change still certifies against its exact before-image.
 *
 * <p><b>Refused</b> (0A000, before the statement runs), because the rows or their order cannot be known in advance
 * or cannot be replayed row by row: an {@code ON UPDATE CASCADE} that would change child rows (the child's new
 * value refers to a parent key that replay has not written yet, and applying the parent first makes the database
 * change the child itself); a foreign-key cycle through other tables that reaches a table again with rows to
 * change, and a self-referencing key (a tree) whose statement deletes a row together with one of its descendants
 * (the database's order among rows of one table is its own; a subtree below the statement's rows is followed
 * level by level); a child with a trigger or another side effect; {@code SET NULL / SET
 * DEFAULT} on a child without a primary key, or {@code SET DEFAULT} on primary-key columns (the changed row cannot
 * be found again); an action whose changed columns are themselves referenced with an action (a second cascade
 * the driver does not follow); one row reached both as deleted and as updated; upserts and MERGE on a parent.
 *
 * <p><b>Threading.</b> Thread-safe; the per-table foreign keys are cached until DDL ({@link TableCatalog#generation}).
 */
public final class ReferentialActions {

    private final Backend backend;
    private final TableCatalog catalog;
    private final ForeignKeys foreignKeys;
    private final ActionRows actionRows;
    /** {@link #sharesRows} per table, for the catalog generation {@link #sharingGeneration}. */
    private final Map<String, Boolean> sharing = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long sharingGeneration = -1;

    public ReferentialActions(Backend backend, TableCatalog catalog, RowCapture capture) {
        this.backend = backend;
        this.catalog = catalog;
        this.foreignKeys = new ForeignKeys(backend, catalog);
        this.actionRows = new ActionRows(backend, capture.reads());
    }

    /** What a table with referential actions says when a write whose rows cannot be named in advance targets it. */
    public void refuseUnfollowable(Connection c, TableInfo t, String construct) throws SQLException {
        for (ForeignKey fk : foreignKeys.exportedKeys(c, t)) {
            if (fk.acts() && enforced(c)) {
                throw CaptureRefusal.of(construct + " on a table referenced with a referential action", "foreign key "
                        + fk.name() + " of " + fk.childTable() + " changes its rows when rows of " + t.name()
                        + " are deleted or their key changes, and which rows " + construct + " deletes or re-keys is not"
                        + " known before it runs; use INSERT, UPDATE and DELETE");
            }
        }
    }

    /**
     * Whether a write to {@code t} may change rows of {@code tables} or depend on them: {@code t} is one of them, it
     * references one of them (a row it writes may point at one of theirs), or a referential action of a foreign key
     * referencing {@code t} may change rows elsewhere. Otherwise the write's changes and theirs are independent, and
     * their order in a ledger entry changes nothing for replay. A table that shares rows with others (partitions,
     * inheritance) may touch any. From cached metadata (no rows, no locks).
     */
    public boolean mayTouch(Connection c, TableInfo t, java.util.Collection<TableInfo> tables) throws SQLException {
        if (sharesRows(c, t)) {
            return true;
        }
        for (TableInfo other : tables) {
            if (same(t, other) || sharesRows(c, other)) {
                return true;
            }
            for (ForeignKey fk : foreignKeys.exportedKeys(c, other)) {
                if (fk.childTable().equalsIgnoreCase(t.name())) {
                    return true; // by name alone: a same-named table in another schema only reads back sooner
                }
            }
        }
        for (ForeignKey fk : foreignKeys.exportedKeys(c, t)) {
            if (fk.acts()) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code t} shares rows with other tables ({@link Backend#sharesRows}), cached until DDL. */
    private boolean sharesRows(Connection c, TableInfo t) throws SQLException {
        long g = catalog.generation();
        if (g != sharingGeneration) {
            sharing.clear();
            sharingGeneration = g;
        }
        String key = t.schema() + "\u0000" + t.name();
        Boolean shares = sharing.get(key);
        if (shares == null) {
            shares = backend.sharesRows(c, t.schema(), t.name());
            sharing.put(key, shares);
        }
        return shares;
    }

    /**
     * Before an UPDATE or DELETE on {@code t} runs: locks and reads the rows its referential actions can change.
     *
     * @return what to record after the statement, or null when no action can fire (no extra query was run)
     */
    public Pending before(Connection c, Analysis a, TableInfo t, Params params) throws SQLException {
        boolean delete = a instanceof Analysis.Delete;
        Analysis.SqlExpr where;
        String alias;
        Set<String> assigned = null;
        if (a instanceof Analysis.Delete d) {
            where = d.where();
            alias = d.alias();
        } else if (a instanceof Analysis.Update u) {
            where = u.where();
            alias = u.alias();
            assigned = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            for (Analysis.Assignment as : u.assignments()) assigned.add(as.column());
        } else {
            return null;
        }
        if (foreignKeys.firing(c, t, delete, assigned).isEmpty() || !enforced(c)) {
            return null;
        }
        // An UPDATE fires only for rows whose referenced values change (see ActionRows#lockParents).
        List<Analysis.Assignment> keyAssignments = new ArrayList<>();
        if (a instanceof Analysis.Update u) {
            Set<String> referenced = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            for (ForeignKey fk : foreignKeys.firing(c, t, false, assigned)) referenced.addAll(fk.parentColumns());
            for (Analysis.Assignment as : u.assignments()) {
                if (referenced.contains(as.column()) && t.column(as.column()) != null) keyAssignments.add(as);
            }
        }
        List<Row> parents = actionRows.lockParents(c, t, delete, alias, where, keyAssignments, params);
        if (parents.isEmpty()) {
            return null;
        }
        Pending p = new Pending();
        p.statementTable = t;
        if (delete && t.hasPrimaryKey()) {
            for (Row r : parents) p.statementRows.add(t.keyOf(r));
        }
        List<TableInfo> path = new ArrayList<>(List.of(t));
        visit(c, t, parents, delete, assigned, path, p);
        return p.groups.isEmpty() ? null : p;
    }

    /** Whether the database enforces foreign keys on this connection (SQLite only when {@code PRAGMA foreign_keys} is on). */
    private boolean enforced(Connection c) throws SQLException {
        return backend.enforcesForeignKeys(c);
    }

    private void visit(Connection c, TableInfo parent, List<Row> parents, boolean delete, Set<String> assigned,
                       List<TableInfo> path, Pending p) throws SQLException {
        for (ForeignKey fk : foreignKeys.firing(c, parent, delete, assigned)) {
            TableInfo child = catalog.table(c, childRef(parent, fk));
            List<Row> values = new ArrayList<>();
            Set<Row> seen = new LinkedHashSet<>();
            for (Row r : parents) {
                Row v = project(r, fk.parentColumns(), parent);
                if (v != null && seen.add(v)) values.add(v);
            }
            if (values.isEmpty()) continue;
            List<Row> rows = actionRows.lookup(c, child, fk, values, true);
            if (rows.isEmpty()) continue;
            String via = "foreign key " + fk.name() + " of " + child.name() + " (" + String.join(", ", fk.childColumns())
                    + ") referencing " + parent.name();
            if (child.sideEffect() != null) {
                throw refusal(via, "its action changes rows of a table with side effects: " + child.sideEffect());
            }
            // A table referencing itself (a tree) is followed level by level, as long as the statement does not
            // delete a row together with one of its descendants: the database then deletes the descendant itself or
            // through the action, in an order of its own (MariaDB does not count it then).
            boolean selfReference = same(child, parent) && delete && child.hasPrimaryKey();
            if (path.stream().anyMatch(t -> same(t, child)) && !selfReference) {
                throw refusal(via, "the foreign keys form a cycle through " + child.name() + ", and the order in which"
                        + " the database applies the actions to rows of one table cannot be reproduced row by row");
            }
            if (same(child, p.statementTable) && !p.statementRows.isEmpty()) {
                for (Row r : rows) {
                    if (p.statementRows.contains(child.keyOf(r))) {
                        throw refusal(via, "the statement deletes row " + child.keyOf(r) + " and a row it references,"
                                + " and the order in which the database deletes rows of one table cannot be reproduced row by"
                                + " row; delete the descendants first (or one subtree per statement)");
                    }
                }
            }
            int rule = fk.rule(delete);
            if (rule == DatabaseMetaData.importedKeyCascade && delete) {
                Group g = p.group(child, fk, values, true);
                List<Row> fresh = new ArrayList<>();
                if (child.hasPrimaryKey()) {
                    for (Row r : rows) {
                        if (p.claim(child, r, true, via)) fresh.add(r);
                    }
                } else {
                    fresh.addAll(p.claimKeyless(child, rows));
                }
                if (fresh.isEmpty()) continue;
                path.add(child);
                visit(c, child, fresh, true, null, path, p);
                path.remove(path.size() - 1);
                g.rows.addAll(fresh);
                p.groups.add(g);
            } else if (rule == DatabaseMetaData.importedKeyCascade) {
                throw refusal(via, "ON UPDATE CASCADE would change " + rows.size() + " rows of " + child.name()
                        + " to a key replay has not written yet (and the database would change them again when the"
                        + " parent is applied); update the children and the parent in separate statements, or"
                        + " insert the new parent row, move the children, then delete the old one");
            } else {
                String action = rule == DatabaseMetaData.importedKeySetNull ? "SET NULL" : "SET DEFAULT";
                if (!child.hasPrimaryKey()) {
                    throw refusal(via, action + " changes rows of " + child.name() + ", which has no primary key, so"
                            + " the changed rows cannot be found again");
                }
                if (rule == DatabaseMetaData.importedKeySetDefault && child.primaryKey().stream()
                        .anyMatch(k -> fk.childColumns().stream().anyMatch(k.name()::equalsIgnoreCase))) {
                    throw refusal(via, "SET DEFAULT changes primary-key columns of " + child.name() + ", so the changed"
                            + " rows cannot be found again");
                }
                Set<String> changed = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                changed.addAll(fk.childColumns());
                List<ForeignKey> further = foreignKeys.firing(c, child, false, changed);
                if (!further.isEmpty()) {
                    throw refusal(via, action + " changes columns of " + child.name() + " that foreign key "
                            + further.get(0).name() + " of " + further.get(0).childTable() + " references with an action of"
                            + " its own, a second cascade the driver does not follow");
                }
                Group g = p.group(child, fk, values, false);
                for (Row r : rows) {
                    if (p.claim(child, r, false, via)) g.rows.add(r);
                }
                if (!g.rows.isEmpty()) p.groups.add(g);
            }
        }
    }

    private static boolean same(TableInfo a, TableInfo b) {
        return a.name().equals(b.name()) && java.util.Objects.equals(a.schema(), b.schema());
    }

    private static SQLException refusal(String via, String reason) {
        return CaptureRefusal.of("a write whose referential action cannot be captured", via + ": " + reason);
    }

    /** The child table as the statements name it: unqualified when it lives in the parent's (default) schema. */
    private Analysis.TableRef childRef(TableInfo parent, ForeignKey fk) {
        boolean sameSchema = fk.childSchema() == null || fk.childSchema().equals(parent.schema());
        if (sameSchema && parent.ledgerName().equals(parent.name())) {
            return new Analysis.TableRef(null, fk.childTable(), true);
        }
        return new Analysis.TableRef(fk.childSchema(), fk.childTable(), true);
    }

    /** The row's values in {@code columns}, or null when one is NULL (such a row references nothing). */
    private static Row project(Row row, List<String> columns, TableInfo t) {
        Row.Builder b = Row.builder();
        for (String col : columns) {
            TableInfo.Column column = t.column(col);
            Value v = column == null ? null : row.get(column.name());
            if (v == null || v instanceof Value.Null) return null;
            b.put(col, v);
        }
        return b.build();
    }

    /** The rows found before a statement, in the order their changes are recorded (descendants first). */
    public final class Pending {
        private final List<Group> groups = new ArrayList<>();
        private final Map<String, Map<Row, Boolean>> claimed = new HashMap<>();
        /** The statement's table, and (a DELETE on a table with a primary key) the keys of the rows it deletes. */
        private TableInfo statementTable;
        private final Set<Row> statementRows = new java.util.HashSet<>();

        private Group group(TableInfo t, ForeignKey fk, List<Row> values, boolean delete) {
            return new Group(t, fk, values, delete);
        }

        /** Whether {@code row} is new (not reached through another foreign key already). */
        private boolean claim(TableInfo t, Row row, boolean delete, String via) throws SQLException {
            Map<Row, Boolean> rows = claimed.computeIfAbsent(t.schema() + "\u0000" + t.name(), k -> new HashMap<>());
            Row key = t.keyOf(row);
            Boolean earlier = rows.get(key);
            if (earlier == null) {
                rows.put(key, delete);
                return true;
            }
            if (earlier != delete) {
                throw refusal(via, "row " + key + " of " + t.name() + " is reached both by an action that deletes it and"
                        + " by one that updates it");
            }
            return false;
        }

        /**
         * The rows of a table without a primary key not reached through another foreign key already. Equal rows
         * match the same lookups (a lookup compares values only), so a row value either was found before with all
         * its copies or is new with all of them.
         */
        private List<Row> claimKeyless(TableInfo t, List<Row> rows) {
            Map<Row, Boolean> seen = claimed.computeIfAbsent(t.schema() + "\u0000" + t.name(), k -> new HashMap<>());
            Set<Row> before = new java.util.HashSet<>(seen.keySet());
            List<Row> fresh = new ArrayList<>();
            for (Row r : rows) {
                if (!before.contains(r)) {
                    fresh.add(r);
                    seen.put(r, true);
                }
            }
            return fresh;
        }

        private List<RowChange> observed;

        /**
         * The write run by the statement's call followed at once by the read of the rows its actions changed, in an
         * execution context whose update count leaves those rows out where the database counts them (SQLite).
         */
        public <T> Write<T> around(Write<T> w) {
            return w.runBy(context(w.context()), around(w.connection(), w.call()));
        }

        private <T> io.ledgerjdbc.driver.jdbc.RealCall<T> around(Connection c, io.ledgerjdbc.driver.jdbc.RealCall<T> call) {
            return () -> {
                T result = call.call();
                observed = observe(c);
                return result;
            };
        }

        private io.ledgerjdbc.driver.jdbc.ExecutionContext context(io.ledgerjdbc.driver.jdbc.ExecutionContext ctx) {
            return new io.ledgerjdbc.driver.jdbc.ExecutionContext() {
                @Override
                public Statement realStatement() {
                    return ctx.realStatement();
                }

                @Override
                public io.ledgerjdbc.driver.jdbc.KeyRequest keyRequest() {
                    return ctx.keyRequest();
                }

                @Override
                public boolean askedKeysForCapture() {
                    return ctx.askedKeysForCapture();
                }

                @Override
                public long actionRows() {
                    return backend.countsReferentialActionRows() && observed != null ? observed.size() : 0;
                }
            };
        }

        /** After the statement ran: the changes its actions made, placed before the statement's own changes. */
        public <T> Captured<T> complete(Captured<T> captured) {
            if (observed == null || observed.isEmpty()) {
                return captured;
            }
            List<RowChange> changes = new ArrayList<>(observed);
            changes.addAll(captured.changes());
            return new Captured<>(captured.result(), changes, captured.toRead());
        }

        /** The rows found before the statement, read again as they now stand. */
        private List<RowChange> observe(Connection c) throws SQLException {
            return actionRows.observe(c, groups);
        }
    }
}
