package io.ledgerjdbc.driver.database;

import io.ledgerjdbc.driver.capture.RowCapture;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.hash.Hashes;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adoption of tables the ledger did not see created: tables that existed before the ledger (or were filled behind
 * its back before first use) are adopted the first time the driver writes to them. Their current rows go into the
 * same entry as that write, as INSERTs, and a {@code ledger_meta} row marks the table adopted, all in the writing
 * transaction (so a rollback undoes the adoption too). Tables created through the driver are marked at creation,
 * empty.
 *
 * <p>Threading: called concurrently by every session of one database. The set of adopted tables only remembers
 * what the database already says in a committed {@code ledger_meta} row, so a lost or duplicated entry in it costs
 * one read, never a wrong answer; a row the caller's own transaction wrote is not remembered, since that transaction
 * may still roll back. Two sessions adopting the same table race on the {@code ledger_meta} key, and the loser's
 * transaction fails with the database's own error.
 */
final class Adoptions {

    /** Tables this process knows the ledger has adopted (their rows are in it). */
    private final Set<String> adopted = ConcurrentHashMap.newKeySet();
    private final RowCapture capture;

    Adoptions(RowCapture capture) {
        this.capture = capture;
    }

    /**
     * @param adoptedHere the tables the caller's open transaction adopted (added to here): their {@code ledger_meta}
     *                    rows are not committed yet
     * @return the adoption changes to put before the write's own changes (empty when already adopted)
     */
    List<Change> adopt(Connection c, TableInfo t, Set<String> adoptedHere) throws SQLException {
        if (adopted.contains(t.ledgerName())) {
            return List.of();
        }
        String key = adoptionKey(t.ledgerName());
        try (PreparedStatement ps = c.prepareStatement("SELECT meta_value FROM ledger_meta WHERE meta_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (!adoptedHere.contains(t.ledgerName())) {
                        adopted.add(t.ledgerName()); // committed (or another transaction's, which then fails on it)
                    }
                    return List.of();
                }
            }
        }
        List<Change> rows = new ArrayList<>();
        for (Row row : capture.readAll(c, t)) {
            rows.add(RowChange.insert(t.ledgerName(), t.keyOf(row), row));
        }
        markAdopted(c, t.ledgerName());
        adoptedHere.add(t.ledgerName());
        return rows;
    }

    /** Marks a table as known to the ledger (in the caller's transaction). */
    void markAdopted(Connection c, String ledgerName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_meta (meta_key, meta_value) VALUES (?, ?)")) {
            ps.setString(1, adoptionKey(ledgerName));
            ps.setString(2, ledgerName);
            ps.executeUpdate();
        }
    }

    /** Forgets what this process knew (after DDL: a table of the same name may be a new one). */
    void forget() {
        adopted.clear();
    }

    /** ledger_meta keys are at most 64 characters; long table names are shortened with a hash of the whole name. */
    private static String adoptionKey(String ledgerName) {
        String k = "table:" + ledgerName;
        if (k.length() <= 64) {
            return k;
        }
        String hash = HexFormat.of().formatHex(Hashes.sha256(ledgerName.getBytes(StandardCharsets.UTF_8)), 0, 8);
        return k.substring(0, 47) + "#" + hash;
    }
}
