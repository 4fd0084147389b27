package io.ledgerjdbc.ledger.store;

import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.merkle.MerkleFrontier;
import io.ledgerjdbc.ledger.merkle.MerkleMath;
import io.ledgerjdbc.ledger.merkle.NodeId;
import io.ledgerjdbc.ledger.merkle.NodeReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads and writes the ledger tables through a caller's connection, inside the caller's transaction: the
 * store never commits or rolls back, which is what lets an entry land in the same transaction as the change
 * it records. Stateless and thread-safe; the connection is the caller's to confine.
 *
 * <p>Merkle node {@code (level, index)} lives in the row of the leaf that completed it,
 * {@code seq = (index + 1)·2^level}: at level 0 it is {@code leaf_hash}, above it is the 32 bytes at
 * {@code (level - 1)·32} in {@code tree_nodes}. So any node is one primary-key read, and every proof or head
 * is one {@code IN} query over O(log n) rows.
 */
public final class LedgerStore {

    private final SqlDialect dialect;

    public LedgerStore(SqlDialect dialect) {
        this.dialect = dialect;
    }

    public static LedgerStore of(Connection c) throws SQLException {
        return new LedgerStore(SqlDialect.of(c));
    }

    public SqlDialect dialect() {
        return dialect;
    }

    /** The head the next append builds on: size and chain from the last row, the frontier from O(log n) rows. */
    public LedgerHead readHead(Connection c) throws SQLException {
        return readHead(c, false);
    }

    /**
     * The head, read with locking reads where the database has them ({@code FOR UPDATE}): under MariaDB's
     * default REPEATABLE READ a plain read sees the transaction's snapshot, which may predate entries other
     * transactions committed since; a locking read sees the latest committed rows.
     */
    public LedgerHead readHeadForAppend(Connection c) throws SQLException {
        return readHead(c, dialect.lockingReads);
    }

    private LedgerHead readHead(Connection c, boolean locking) throws SQLException {
        long size;
        byte[] chain;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, chain_hash FROM ledger_entry ORDER BY seq DESC LIMIT 1"
                + (locking ? " FOR UPDATE" : ""));
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return LedgerHead.empty();
            }
            size = rs.getLong(1);
            chain = hash(rs.getBytes(2), size, "chain_hash");
        }
        List<byte[]> perfect = readNodes(c, MerkleFrontier.nodesFor(size), locking);
        return new LedgerHead(size, chain, MerkleFrontier.of(size, perfect));
    }

    /**
     * Appends {@code entry} at {@code head.size() + 1} and returns the new head. The caller serialises appends
     * (one head per database at a time) and owns the transaction.
     */
    public LedgerHead append(Connection c, LedgerHead head, LedgerEntry entry) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_ENTRY)) {
            return append(ps, head, entry);
        }
    }

    /** The statement {@link #append(PreparedStatement, LedgerHead, LedgerEntry)} takes, for callers that keep it prepared. */
    public static final String INSERT_ENTRY =
            "INSERT INTO ledger_entry (seq, entry, leaf_hash, chain_hash, tree_nodes) VALUES (?, ?, ?, ?, ?)";

    /**
     * The statement {@link #appendIfHead} takes: the insert of {@link #INSERT_ENTRY} that writes its row only
     * where the stored ledger ends exactly at the expected head (its last seq and chain hash).
     */
    public static final String INSERT_ENTRY_IF_HEAD =
            "INSERT INTO ledger_entry (seq, entry, leaf_hash, chain_hash, tree_nodes) SELECT ?, ?, ?, ?, ? FROM ledger_meta"
                    + " WHERE meta_key = 'schema_version' AND NOT EXISTS (SELECT 1 FROM ledger_entry WHERE seq > ?)"
                    + " AND EXISTS (SELECT 1 FROM ledger_entry WHERE seq = ? AND chain_hash = ?)";

    /**
     * Appends on a head the caller believes current, checking it against the stored ledger in the same statement
     * (instead of reading the last entry first): returns the new head, or null when the ledger does not end at
     * {@code head} and nothing was written. The caller holds what serialises appends, as for {@link #append}.
     * Not for an empty ledger (there is no last entry to compare).
     */
    public LedgerHead appendIfHead(PreparedStatement insertIfHead, LedgerHead head, LedgerEntry entry) throws SQLException {
        if (head.size() == 0) {
            throw new IllegalArgumentException("appendIfHead needs a non-empty ledger");
        }
        insertIfHead.setLong(6, head.size());
        insertIfHead.setLong(7, head.size());
        insertIfHead.setBytes(8, head.chainHash());
        LedgerHead next = bind(insertIfHead, head, entry);
        return insertIfHead.executeUpdate() == 1 ? next : null;
    }

    /** Appends through a statement the caller keeps prepared (on the connection whose transaction it is). */
    public LedgerHead append(PreparedStatement insertEntry, LedgerHead head, LedgerEntry entry) throws SQLException {
        LedgerHead next = bind(insertEntry, head, entry);
        insertEntry.executeUpdate();
        return next;
    }

    /** Encodes and hashes {@code entry} on {@code head}, binds the row's five columns, and returns the head after it. */
    private static LedgerHead bind(PreparedStatement insert, LedgerHead head, LedgerEntry entry) throws SQLException {
        if (entry.seq() != head.size() + 1) {
            throw new IllegalArgumentException("entry seq " + entry.seq() + " does not follow the head at " + head.size());
        }
        return bindEncoded(insert, head, EntryCodec.encode(entry));
    }

    /**
     * Binds an entry already encoded (its seq {@code head.size() + 1}) the way {@link #bind} does: the one place a
     * ledger row's hashes are computed, for direct appends and for sealing pending entries alike.
     */
    static LedgerHead bindEncoded(PreparedStatement insert, LedgerHead head, byte[] bytes) throws SQLException {
        long seq = head.size() + 1;
        byte[] leaf = Hashes.leaf(bytes);
        byte[] chain = Hashes.chain(head.chainHash(), leaf);
        MerkleFrontier frontier = head.frontier();
        byte[] completed = frontier.append(leaf);
        insert.setLong(1, seq);
        insert.setBytes(2, bytes);
        insert.setBytes(3, leaf);
        insert.setBytes(4, chain);
        insert.setBytes(5, completed);
        return new LedgerHead(seq, chain, frontier);
    }

    /** Reads stored perfect nodes in one query; a node that should be there but is not is a storage error. */
    public NodeReader nodeReader(Connection c) {
        return ids -> {
            try {
                return readNodes(c, ids);
            } catch (SQLException e) {
                throw new LedgerStorageException("cannot read Merkle nodes", e);
            }
        };
    }

    /** The hashes of the given stored perfect nodes, in order, with one query per thousand rows. */
    public List<byte[]> readNodes(Connection c, List<NodeId> ids) throws SQLException {
        return readNodes(c, ids, false);
    }

    private List<byte[]> readNodes(Connection c, List<NodeId> ids, boolean locking) throws SQLException {
        LinkedHashSet<Long> seqs = new LinkedHashSet<>();
        for (NodeId id : ids) {
            seqs.add(id.end());
        }
        Map<Long, byte[][]> rows = new HashMap<>();
        List<Long> all = new ArrayList<>(seqs);
        for (int from = 0; from < all.size(); from += PAGE) {
            List<Long> part = all.subList(from, Math.min(all.size(), from + PAGE));
            String in = "?" + ",?".repeat(part.size() - 1);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, leaf_hash, tree_nodes FROM ledger_entry WHERE seq IN (" + in + ")" + (locking ? " FOR UPDATE" : ""))) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setLong(i + 1, part.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.put(rs.getLong(1), new byte[][] {rs.getBytes(2), rs.getBytes(3)});
                    }
                }
            }
        }
        List<byte[]> out = new ArrayList<>(ids.size());
        for (NodeId id : ids) {
            byte[][] row = rows.get(id.end());
            if (row == null) {
                throw new SQLException("ledger entry " + id.end() + " is missing; it holds Merkle node " + id, SqlStates.DATA_CORRUPTED);
            }
            if (id.level() == 0) {
                out.add(hash(row[0], id.end(), "leaf_hash"));
            } else {
                byte[] nodes = row[1];
                int at = (id.level() - 1) * Hashes.SIZE;
                if (nodes == null || nodes.length < at + Hashes.SIZE) {
                    throw new SQLException("ledger entry " + id.end() + " lacks Merkle node " + id + " in tree_nodes", SqlStates.DATA_CORRUPTED);
                }
                out.add(Arrays.copyOfRange(nodes, at, at + Hashes.SIZE));
            }
        }
        return out;
    }

    /** The root over the first {@code size} entries (O(log n) reads). */
    public byte[] root(Connection c, long size) throws SQLException {
        requireSize(c, size);
        return MerkleMath.root(size, nodeReader(c));
    }

    /** The audit path of entry {@code seq} in the tree of the first {@code size} entries. */
    public List<byte[]> inclusionProof(Connection c, long seq, long size) throws SQLException {
        requireSize(c, size);
        return MerkleMath.hashes(MerkleMath.inclusionPath(seq - 1, size), nodeReader(c));
    }

    /** The proof that the tree of {@code size1} entries is a prefix of the tree of {@code size2}. */
    public List<byte[]> consistencyProof(Connection c, long size1, long size2) throws SQLException {
        requireSize(c, size2);
        return MerkleMath.hashes(MerkleMath.consistencyPath(size1, size2), nodeReader(c));
    }

    /** Number of entries: the highest seq. */
    public long size(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(seq) FROM ledger_entry");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void requireSize(Connection c, long size) throws SQLException {
        long have = size(c);
        if (size > have) {
            throw new IllegalArgumentException("the ledger has " + have + " entries, not " + size);
        }
    }

    /** How many rows have a seq below 1, which no writer produces. */
    public long countBelowFirstSeq(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM ledger_entry WHERE seq < 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** One row as stored, or null. */
    public StoredEntry readEntry(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, entry, leaf_hash, chain_hash, tree_nodes FROM ledger_entry WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? stored(rs) : null;
            }
        }
    }

    /**
     * Streams every row with {@code seq >= fromSeq} in order, a page at a time (keyset pagination), so memory
     * stays flat at any ledger size and no backend needs a server-side cursor or an open transaction.
     * (One query read through a cursor is no faster: PostgreSQL plans the unlimited ORDER BY as a full scan and
     * a sort, each page is an index range scan.) {@link ReadAheadScan} reads the pages on a second thread.
     */
    public void scan(Connection c, long fromSeq, Consumer<StoredEntry> visitor) throws SQLException {
        List<StoredEntry> page = new ArrayList<>(PAGE);
        try (PreparedStatement ps = c.prepareStatement(PAGE_SQL)) {
            long next = fromSeq;
            while (true) {
                page.clear();
                readPage(ps, next, page);
                page.forEach(visitor);
                if (page.size() < PAGE) {
                    return;
                }
                next = page.get(PAGE - 1).seq() + 1;
            }
        }
    }

    static final int PAGE = 1000;
    static final String PAGE_SQL = "SELECT seq, entry, leaf_hash, chain_hash, tree_nodes FROM ledger_entry WHERE seq >= ? ORDER BY seq LIMIT " + PAGE;

    /** Adds the page of rows from {@code seq} on to {@code out}, through a statement of {@link #PAGE_SQL}. */
    static void readPage(PreparedStatement ps, long seq, List<StoredEntry> out) throws SQLException {
        ps.setLong(1, seq);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(stored(rs));
            }
        }
    }

    /** Stores a signed digest (its JSON line) for tree size {@code treeSize}; the same key signs a size once. */
    public void storeDigest(Connection c, long treeSize, String keyId, String jsonLine) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_digest (tree_size, key_id, digest) VALUES (?, ?, ?)")) {
            ps.setLong(1, treeSize);
            ps.setString(2, keyId);
            ps.setString(3, jsonLine);
            ps.executeUpdate();
        }
    }

    /** Every stored digest's JSON line, by tree size. */
    public List<String> readDigestLines(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT digest FROM ledger_digest ORDER BY tree_size, key_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static StoredEntry stored(ResultSet rs) throws SQLException {
        return new StoredEntry(rs.getLong(1), rs.getBytes(2), rs.getBytes(3), rs.getBytes(4), rs.getBytes(5));
    }

    private static byte[] hash(byte[] stored, long seq, String column) throws SQLException {
        if (stored == null || stored.length != Hashes.SIZE) {
            throw new SQLException("ledger entry " + seq + " has a " + column + " of "
                    + (stored == null ? "NULL" : stored.length + " bytes") + ", not " + Hashes.SIZE + " bytes", SqlStates.DATA_CORRUPTED);
        }
        return stored;
    }
}
