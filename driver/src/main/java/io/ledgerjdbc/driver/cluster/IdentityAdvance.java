package io.ledgerjdbc.driver.cluster;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.schema.Identifiers;
import io.ledgerjdbc.driver.schema.TableCatalog;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.Operation;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a table's identity generator past the keys applied from other nodes. Each node's rehearsal draws
 * generated keys from its own database; SQLite and MariaDB move their counters when a row arrives with an
 * explicit key, but H2 identities and PostgreSQL sequences do not, so without this a node would keep drawing
 * keys the cluster already used and every such insert would be rejected. A key drawn twice concurrently is
 * still caught by certification (40001, retry); this only keeps it rare.
 */
final class IdentityAdvance {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityAdvance.class);

    private final SqlDialect dialect;
    private final Backend backend;
    private final TableCatalog catalog;
    /**
     * Identity/serial columns by ledger table name, each with its PostgreSQL sequence (null on H2); forgotten
     * after DDL.
     */
    private final Map<String, Map<String, String>> identityColumns = new HashMap<>();

    IdentityAdvance(SqlDialect dialect, TableCatalog catalog) {
        this.dialect = dialect;
        this.backend = Backend.of(dialect);
        this.catalog = catalog;
    }

    void forget() {
        identityColumns.clear();
    }

    /** After the write-set committed: best effort, outside its transaction (on H2 the ALTER commits). */
    void advance(Connection c, List<Change> changes) {
        if (backend.explicitKeysAdvanceIdentity()) {
            return;
        }
        Map<String, Map<String, Long>> highest = new HashMap<>();
        for (Change change : changes) {
            if (change instanceof RowChange rc && rc.op() == Operation.INSERT) {
                for (int i = 0; i < rc.key().size(); i++) {
                    if (rc.key().value(i) instanceof Value.Int n) {
                        highest.computeIfAbsent(rc.table(), t -> new HashMap<>()).merge(rc.key().name(i), n.value(), Math::max);
                    }
                }
            }
        }
        for (var table : highest.entrySet()) {
            try {
                TableInfo t = catalog.table(c, Analysis.TableRef.ofLedgerName(table.getKey()));
                boolean moved = false;
                for (var column : identityColumns(c, t).entrySet()) {
                    Long max = table.getValue().get(column.getKey());
                    if (max != null) {
                        moveTo(c, t, column.getKey(), column.getValue(), max);
                        moved = true;
                    }
                }
                if (moved) {
                    c.commit();
                }
            } catch (SQLException e) {
                LOG.debug("could not advance the identity of {} (a later retry will): {}", table.getKey(), e.toString());
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the next apply starts a fresh transaction anyway
                }
            }
        }
    }

    private Map<String, String> identityColumns(Connection c, TableInfo t) throws SQLException {
        Map<String, String> known = identityColumns.get(t.ledgerName());
        if (known != null) {
            return known;
        }
        Map<String, String> found = new HashMap<>();
        for (TableInfo.Column k : t.primaryKey()) {
            if (!backend.identitiesUseSequences()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT IS_IDENTITY FROM INFORMATION_SCHEMA.COLUMNS "
                        + "WHERE TABLE_SCHEMA = COALESCE(?, SCHEMA()) AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
                    ps.setString(1, t.schema());
                    ps.setString(2, t.name());
                    ps.setString(3, k.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && "YES".equals(rs.getString(1))) found.put(k.name(), null);
                    }
                }
            } else {
                String sequence = sequenceOf(c, t, k.name());
                if (sequence != null) found.put(k.name(), sequence);
            }
        }
        identityColumns.put(t.ledgerName(), found);
        return found;
    }

    private String sequenceOf(Connection c, TableInfo t, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
            ps.setString(1, qualified(t));
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void moveTo(Connection c, TableInfo t, String column, String sequence, long max) throws SQLException {
        if (backend.identitiesUseSequences()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT setval(CAST(? AS regclass), ?) WHERE ? > (SELECT last_value FROM " + sequence + ")")) {
                ps.setString(1, sequence);
                ps.setLong(2, max);
                ps.setLong(3, max);
                ps.executeQuery().close();
            }
            return;
        }
        long base;
        try (PreparedStatement ps = c.prepareStatement("SELECT IDENTITY_BASE FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE TABLE_SCHEMA = COALESCE(?, SCHEMA()) AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.name());
            ps.setString(3, column);
            try (ResultSet rs = ps.executeQuery()) {
                base = rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
            }
        }
        if (base <= max) {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE " + qualified(t) + " ALTER COLUMN " + Identifiers.quote(dialect, column)
                        + " RESTART WITH " + (max + 1));
            }
        }
    }

    private String qualified(TableInfo t) {
        String name = Identifiers.quote(dialect, t.name());
        return t.schema() == null ? name : Identifiers.quote(dialect, t.schema()) + "." + name;
    }


}
