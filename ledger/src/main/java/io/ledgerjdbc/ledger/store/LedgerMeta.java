package io.ledgerjdbc.ledger.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads and writes one row of {@code ledger_meta} by its key (docs/ledger-format.md §6 lists the keys), in the
 * caller's transaction.
 */
public final class LedgerMeta {

    private LedgerMeta() {
    }

    /** The value stored under {@code key}, or null. */
    public static String get(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT meta_value FROM ledger_meta WHERE meta_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Stores {@code value} under {@code key}, replacing what was there. */
    public static void put(Connection c, String key, String value) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE ledger_meta SET meta_value = ? WHERE meta_key = ?")) {
            update.setString(1, value);
            update.setString(2, key);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO ledger_meta (meta_key, meta_value) VALUES (?, ?)")) {
            insert.setString(1, key);
            insert.setString(2, value);
            insert.executeUpdate();
        }
    }
}
