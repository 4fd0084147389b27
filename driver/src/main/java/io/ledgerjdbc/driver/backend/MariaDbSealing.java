package io.ledgerjdbc.driver.backend;

import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.PendingEntries;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The sealed ledger on MariaDB: the seal gate is the {@code seal} row of {@code ledger_meta} (shared: LOCK IN SHARE
 * MODE, exclusive: FOR UPDATE), the sealers' turn a named lock. Connector/J sends a multi-statement string only with
 * {@code allowMultiQueries}, which the application's URL decides, so each step is its own round trip.
 */
final class MariaDbSealing implements Sealing {

    static final MariaDbSealing INSTANCE = new MariaDbSealing();

    private final LedgerStore store = new LedgerStore(SqlDialect.MARIADB);

    private static final String INSERT = "INSERT INTO ledger_pending (num, entry) SELECT NEXTVAL(ledger_pending_num), ?"
            + " FROM ledger_meta WHERE meta_key = 'seal' LOCK IN SHARE MODE RETURNING num";
    /**
     * InnoDB detects a committer's COMMIT waiting behind the queued sealer at once and rolls back the transaction
     * with the fewest changes, the gate's; WAIT takes whole seconds (a fraction means NOWAIT).
     */
    private static final String GATE = "SELECT NEXTVAL(ledger_pending_num) FROM ledger_meta WHERE meta_key = 'seal' FOR UPDATE WAIT 1";
    private static final String TAKE_TURN = "SELECT GET_LOCK(CONCAT('ledgerjdbc.sealer.', DATABASE()), 60)";
    private static final String GIVE_TURN = "SELECT RELEASE_LOCK(CONCAT('ledgerjdbc.sealer.', DATABASE()))";

    private MariaDbSealing() {
    }

    @Override
    public String pendingInsertSql() {
        return INSERT;
    }

    /** Two round trips: the insert, then COMMIT. */
    @Override
    public long insertPendingAndCommit(Connection c, PreparedStatement insert) throws SQLException {
        long num;
        try (ResultSet rs = insert.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the pending ledger entry was not written: ledger_meta has no 'seal' row", "XX000");
            }
            num = rs.getLong(1);
        }
        c.commit();
        return num;
    }

    @Override
    public void takeTurn(Connection c, boolean take) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(take ? TAKE_TURN : GIVE_TURN); ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (take && rs.getInt(1) != 1) {
                throw new SQLException("another process's sealer kept its turn for 60 s", "55P03");
            }
        } finally {
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    @Override
    public long takeBound(Connection c) throws SQLException {
        long bound;
        try (PreparedStatement ps = c.prepareStatement(GATE); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the seal gate returned no number: ledger_meta has no 'seal' row", "XX000");
            }
            bound = rs.getLong(1);
        }
        // Releases the gate at once. A rollback: the gate wrote nothing that must last (a sequence's numbers are not
        // transactional), and a commit would wait for a log flush (InnoDB's sequence table) while holding it.
        c.rollback();
        return bound;
    }

    @Override
    public Batch sealBatch(Connection c, LedgerHead cached, long bound, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(Backend.LOCK_LEDGER); ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
        LedgerHead head = current(c, cached);
        List<PendingEntries.Pending> batch = PendingEntries.read(c, bound, limit);
        head = PendingEntries.seal(c, head, batch);
        c.commit();
        return new Batch(batch, head);
    }

    /** The stored head: {@code cached} when the last stored entry is still its last, else read afresh. */
    private LedgerHead current(Connection c, LedgerHead cached) throws SQLException {
        if (cached != null) {
            try (PreparedStatement ps = c.prepareStatement(LAST_ENTRY); ResultSet rs = ps.executeQuery()) {
                long size = rs.next() ? rs.getLong(1) : 0;
                byte[] chain = size == 0 ? Hashes.GENESIS_CHAIN : rs.getBytes(2);
                if (size == cached.size() && MessageDigest.isEqual(chain, cached.chainHash())) {
                    return cached;
                }
            }
        }
        return store.readHead(c);
    }
}
