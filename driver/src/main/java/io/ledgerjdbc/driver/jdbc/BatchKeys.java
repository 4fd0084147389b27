package io.ledgerjdbc.driver.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetProvider;

/**
 * The generated keys an application sees after {@code executeBatch}. The driver runs a batch item by item, so
 * the real statement only knows the last item's keys; the raw drivers answer differently, and this reproduces
 * what each one does (measured): H2 and PostgreSQL return the keys of every item of a PreparedStatement batch
 * that asked for keys and none otherwise, MariaDB those of every item (a PreparedStatement that did not ask for
 * keys throws there; the driver asked for them itself, so it answers none), SQLite none at all.
 */
public final class BatchKeys {

    private final ExecutionContext ctx;
    /** Whether the application sees every item's keys (else none). */
    private final boolean every;
    private CachedRowSet all;

    /** @param every whether the application sees every item's keys (the backend's answer), else none */
    public BatchKeys(ExecutionContext ctx, boolean every) {
        this.ctx = ctx;
        this.every = every;
    }

    /** After one item: its keys as capture already read them, or (null) as the real statement has them. */
    public void add(CachedRowSet captured) throws SQLException {
        if (!every && all != null) {
            return; // only the column layout is needed
        }
        CachedRowSet keys = captured;
        if (keys == null) {
            if (!every) {
                return; // nothing to hide: the real statement's own answer stands
            }
            keys = realKeys();
            if (keys == null) {
                return;
            }
        }
        keys.beforeFirst();
        if (all == null) {
            all = keys;
            all.setShowDeleted(false);
        } else {
            int columns = all.getMetaData().getColumnCount();
            all.last();
            while (keys.next()) {
                all.moveToInsertRow();
                for (int i = 1; i <= Math.min(columns, keys.getMetaData().getColumnCount()); i++) {
                    all.updateObject(i, keys.getObject(i));
                }
                all.insertRow();
                all.moveToCurrentRow();
                all.last();
            }
        }
    }

    /** The real statement's keys for its last execution, or null when it has none (an UPDATE, a given key). */
    private CachedRowSet realKeys() {
        try (ResultSet rs = ctx.realStatement().getGeneratedKeys()) {
            if (rs == null || rs.getMetaData() == null || rs.getMetaData().getColumnCount() == 0) {
                return null;
            }
            CachedRowSet keys = RowSetProvider.newFactory().createCachedRowSet();
            keys.populate(rs);
            keys.setShowDeleted(false);
            return keys;
        } catch (SQLException none) {
            return null;
        }
    }

    /** The keys to hand the application, or empty to leave the real statement's answer. */
    public Optional<CachedRowSet> result() throws SQLException {
        if (all == null && !every) {
            all = realKeys(); // only its column layout, to answer with no rows
        }
        if (all == null) {
            return Optional.empty();
        }
        if (!every) {
            all.beforeFirst();
            while (all.next()) {
                all.deleteRow(); // hidden (showDeleted is off): the same columns, no rows
            }
        }
        all.beforeFirst();
        return Optional.of(all);
    }
}
