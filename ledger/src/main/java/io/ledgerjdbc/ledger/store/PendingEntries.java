package io.ledgerjdbc.ledger.store;

import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Schema version 2's pending entries (docs/ledger-format.md, "Pending entries and sealing"): on PostgreSQL and
 * MariaDB a committer writes its entry into {@code ledger_pending} under an order number from the sequence
 * {@code ledger_pending_num}, in its own transaction, without reading or locking the ledger's head; a sealer later
 * moves pending rows, in number order, into {@code ledger_entry} with their seq, chain hash and Merkle nodes, exactly
 * as {@link LedgerStore#append} writes them. A pending row's entry bytes are the canonical encoding with seq 0 (the
 * 8 bytes after the version byte); sealing writes the seq there, so a sealed row is byte-identical to an entry
 * appended directly.
 *
 * <p>Stateless and thread-safe; every method works in the caller's transaction and never commits.
 */
public final class PendingEntries {

    /** The schema version that has {@code ledger_pending}. */
    public static final int VERSION = 2;

    /** Where the seq sits in an encoded entry: after the one version byte, 8 bytes big-endian. */
    private static final int SEQ_AT = 1;

    private PendingEntries() {
    }

    /** Whether the ledger in {@code c}'s database is at version 2 (has pending entries), read in the caller's transaction. */
    public static boolean enabled(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT meta_value FROM ledger_meta WHERE meta_key = 'schema_version'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && Integer.toString(VERSION).equals(rs.getString(1));
        }
    }

    /**
     * Creates {@code ledger_pending}, the order sequence and (MariaDB) the {@code seal} lock row where missing, then
     * marks the ledger version 2. Idempotent and safe to race; runs in autocommit (restoring the caller's mode).
     * Only databases whose {@link SqlDialect#createPendingSequence} is set (PostgreSQL, MariaDB) have pending entries.
     */
    public static void upgrade(Connection c, SqlDialect d) throws SQLException {
        if (d.createPendingSequence == null) {
            throw new IllegalArgumentException("pending entries exist on PostgreSQL and MariaDB only, not " + d);
        }
        boolean autoCommit = c.getAutoCommit();
        if (!autoCommit) {
            c.commit();
            c.setAutoCommit(true);
        }
        try (Statement s = c.createStatement()) {
            ignoreRace(s, d.createPendingSequence);
            ignoreRace(s, "CREATE TABLE IF NOT EXISTS ledger_pending (num " + d.bigint + " NOT NULL PRIMARY KEY, entry "
                    + d.bytes + " NOT NULL)");
            if (d.createSealGateRow != null) {
                ignoreRace(s, d.createSealGateRow);
            }
            s.executeUpdate("UPDATE ledger_meta SET meta_value = '" + VERSION + "' WHERE meta_key = 'schema_version' AND meta_value = '1'");
        } finally {
            if (!autoCommit) {
                c.setAutoCommit(false);
            }
        }
    }

    private static void ignoreRace(Statement s, String sql) throws SQLException {
        try {
            s.execute(sql);
        } catch (SQLException e) {
            // PostgreSQL: concurrent CREATE … IF NOT EXISTS can both miss the object; one then fails on the catalog
            if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /** The bytes a committer stores: {@code entry} encoded with seq 0, which only sealing replaces. */
    public static byte[] encodePending(LedgerEntry entry) {
        byte[] bytes = EntryCodec.encode(entry.withSeq(1));
        putSeq(bytes, 0);
        return bytes;
    }

    /** The entry a pending row will be when sealed at {@code seq}, decoded (strict, as every entry). */
    public static LedgerEntry decodeAt(byte[] pending, long seq) {
        return EntryCodec.decode(atSeq(pending, seq));
    }

    /** A copy of pending bytes with the seq filled in: the sealed entry's canonical bytes. */
    static byte[] atSeq(byte[] pending, long seq) {
        byte[] b = pending.clone();
        putSeq(b, seq);
        return b;
    }

    private static void putSeq(byte[] b, long seq) {
        if (b.length < SEQ_AT + 8) {
            throw new IllegalArgumentException("a pending entry of " + b.length + " bytes has no seq field");
        }
        for (int i = 0; i < 8; i++) {
            b[SEQ_AT + i] = (byte) (seq >>> (56 - 8 * i));
        }
    }

    /** One pending row: its order number and its bytes (seq 0). */
    public record Pending(long num, byte[] entry) {
    }

    /** The query of {@link #read}, its limit to be appended: pending rows below a bound (its one parameter), lowest first. */
    public static final String READ_SQL = "SELECT num, entry FROM ledger_pending WHERE num < ? ORDER BY num LIMIT ";

    /** Pending rows with a number below {@code bound}, lowest first, at most {@code limit}. */
    public static List<Pending> read(Connection c, long bound, int limit) throws SQLException {
        List<Pending> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(READ_SQL + limit)) {
            ps.setLong(1, bound);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pending(rs.getLong(1), rs.getBytes(2)));
                }
            }
        }
        return out;
    }

    /** Every pending row, lowest number first (verify's tail; a live ledger's pending rows are few). */
    public static List<Pending> readAll(Connection c) throws SQLException {
        return read(c, Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** How many pending rows there are, or 0 where the table does not exist (version 1). */
    public static long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM ledger_pending");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The first half of {@link #seal}: inserts {@code batch} as the entries after {@code head} (one JDBC batch) and
     * returns the new head; the caller deletes exactly those pending rows in the same transaction.
     */
    public static LedgerHead insertSealed(Connection c, LedgerHead head, List<Pending> batch) throws SQLException {
        LedgerHead h = head;
        try (PreparedStatement insert = c.prepareStatement(LedgerStore.INSERT_ENTRY)) {
            for (Pending p : batch) {
                h = LedgerStore.bindEncoded(insert, h, atSeq(p.entry(), h.size() + 1));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return h;
    }

    /**
     * Seals {@code batch} (lowest numbers first, all below a bound the caller established: every smaller number is
     * committed or aborted) on {@code head}: inserts each as the next ledger entry, byte for byte what
     * {@link LedgerStore#append} writes for it, and deletes the pending rows, in the caller's transaction. The caller
     * holds the ledger's append lock (the {@code schema_version} row) and commits. Returns the new head.
     */
    public static LedgerHead seal(Connection c, LedgerHead head, List<Pending> batch) throws SQLException {
        if (batch.isEmpty()) {
            return head;
        }
        LedgerHead h = insertSealed(c, head, batch);
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM ledger_pending WHERE num <= ?")) {
            // every pending number up to the batch's last is in the batch: the batch is the lowest ones
            delete.setLong(1, batch.get(batch.size() - 1).num());
            int deleted = delete.executeUpdate();
            if (deleted != batch.size()) {
                throw new SQLException("sealing deleted " + deleted + " pending rows, not the " + batch.size()
                        + " it sealed: another sealer ran without the ledger's lock", "40001");
            }
        }
        return h;
    }
}
