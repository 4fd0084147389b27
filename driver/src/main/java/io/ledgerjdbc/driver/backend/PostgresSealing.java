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
import java.util.ArrayList;
import java.util.List;

/**
 * The sealed ledger on PostgreSQL, without a seal gate: PostgreSQL makes a commit visible to new snapshots before it
 * releases the transaction's locks, so a transaction that waited for another's lock, or read its writes, becomes
 * visible after it. A sealing batch that sees a pending row therefore sees the rows of every transaction that row's
 * transaction depended on, which have smaller numbers, and seals them first (docs/ledger-format.md §6.1). Committers
 * hold nothing the sealer waits for and wait for nothing the sealer holds. pgjdbc sends a multi-statement string with
 * one Sync, so most steps travel with their {@code COMMIT} or {@code ROLLBACK} in one round trip.
 */
final class PostgresSealing implements Sealing {

    static final PostgresSealing INSTANCE = new PostgresSealing();

    private final LedgerStore store = new LedgerStore(SqlDialect.POSTGRESQL);

    private static final String INSERT_AND_COMMIT = "INSERT INTO ledger_pending (num, entry) VALUES (nextval('ledger_pending_num'), ?)"
            + " RETURNING num; COMMIT";
    private static final String GUARD_FAILED = "ledgerjdbc: the table changed behind the driver";
    /** Fails the statement with {@link #GUARD_FAILED}; random() keeps the planner from folding the cast into an error before a CASE chose it. */
    private static final String FAIL = "CAST(textcat('" + GUARD_FAILED + "', CASE WHEN random() >= 0 THEN '' END) AS boolean)";
    /**
     * The quick guard, from the table's pg_class row alone (the one-round-trip INSERT's default): as many attribute
     * slots as capture knows columns (relnatts also counts dropped columns) and no trigger, rule or child at all
     * (relhastriggers is also set by a foreign key's internal triggers). Measured: about half the server time of the
     * guard below, whose subqueries cost their executor set-up even when they do not run. Where it fails, the table
     * is guarded by {@link #GUARDED_PENDING_AND_COMMIT} from then on.
     */
    private static final String QUICK_GUARDED_PENDING_AND_COMMIT = "INSERT INTO ledger_pending (num, entry) SELECT nextval('ledger_pending_num'), ?"
            + " FROM pg_class c WHERE c.oid = CAST(? AS regclass) AND CASE WHEN c.relnatts = ?"
            + " AND NOT (c.relhasrules OR c.relhastriggers OR c.relhassubclass) THEN true ELSE " + FAIL + " END; COMMIT";
    /**
     * After the application's INSERT (see {@link Sealing#withPendingInsertAndCommit}): the pending insert, guarded in
     * the same statement. Its one row comes from the table's own pg_class row (which exists: the INSERT found the
     * table), filtered by a CASE that is true if the table is as capture assumed and otherwise fails with
     * {@link #GUARD_FAILED}: columns, rules, triggers, and those of partitions and inheritance children, whose
     * triggers fire for rows inserted through the parent. Parameters: the entry, the table, its column count.
     */
    private static final String GUARDED_PENDING_AND_COMMIT = "INSERT INTO ledger_pending (num, entry) SELECT nextval('ledger_pending_num'), ?"
            + " FROM pg_class c WHERE c.oid = CAST(? AS regclass) AND CASE WHEN (SELECT count(*) FROM pg_attribute a"
            + " WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) = ?"
            + " AND NOT c.relhasrules"
            + " AND NOT (c.relhastriggers AND EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND NOT g.tgisinternal))"
            + " AND NOT (c.relhassubclass AND EXISTS (WITH RECURSIVE k(oid) AS (SELECT i.inhrelid FROM pg_inherits i WHERE i.inhparent = c.oid"
            + " UNION SELECT i.inhrelid FROM pg_inherits i JOIN k ON i.inhparent = k.oid)"
            + " SELECT 1 FROM pg_trigger g JOIN k ON g.tgrelid = k.oid WHERE NOT g.tgisinternal))"
            + " THEN true ELSE " + FAIL + " END; COMMIT";
    private static final String BOUND = "SELECT nextval('ledger_pending_num'); ROLLBACK";

    private PostgresSealing() {
    }

    @Override
    public String pendingInsertSql() {
        return INSERT_AND_COMMIT;
    }

    /** One round trip: the insert and COMMIT (the transaction is already open, so it is one transaction). */
    @Override
    public long insertPendingAndCommit(Connection c, PreparedStatement insert) throws SQLException {
        insert.execute(); // both results arrive before it returns; an error of either (the COMMIT's too) is thrown
        try (ResultSet rs = insert.getResultSet()) {
            if (rs == null || !rs.next()) {
                throw new SQLException("the pending ledger entry's insert returned no number", "XX000");
            }
            return rs.getLong(1);
        }
    }

    /**
     * The newline ends a trailing line comment of {@code sql}; a trailing semicolon would leave an empty statement
     * between the two, so such a write is not combined.
     */
    @Override
    public String withPendingInsertAndCommit(String sql, boolean everyCheck) {
        String write = sql.strip();
        return write.endsWith(";") ? null : write + "\n; " + (everyCheck ? GUARDED_PENDING_AND_COMMIT : QUICK_GUARDED_PENDING_AND_COMMIT);
    }

    @Override
    public boolean isGuardFailure(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains(GUARD_FAILED);
    }

    /** One round trip: the write, the pending insert and COMMIT (one Sync), each error thrown as the database sent it. */
    @Override
    public long executeWithPendingInsertAndCommit(PreparedStatement statement) throws SQLException {
        statement.execute();
        return statement.getLargeUpdateCount();
    }

    /** No gate, so nothing to queue at: sealers of several processes take turns at the append lock. */
    @Override
    public void takeTurn(Connection c, boolean take) {
    }

    /** One round trip: a number, and ROLLBACK (the sequence is not transactional). */
    @Override
    public long takeBound(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BOUND)) {
            ps.execute();
            try (ResultSet rs = ps.getResultSet()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Three round trips: the append lock, the last entry and the pending rows in one multi-statement string; the
     * entries' inserts as one pipelined batch; the pending rows' delete with COMMIT.
     */
    @Override
    public Batch sealBatch(Connection c, LedgerHead cached, long bound, int limit) throws SQLException {
        List<PendingEntries.Pending> batch = new ArrayList<>();
        LedgerHead head = cached;
        try (PreparedStatement ps = c.prepareStatement(Backend.LOCK_LEDGER + "; " + LAST_ENTRY + "; " + PendingEntries.READ_SQL + limit)) {
            ps.setLong(1, bound);
            ps.execute();
            ps.getMoreResults(); // past the lock's row
            try (ResultSet rs = ps.getResultSet()) {
                long size = rs.next() ? rs.getLong(1) : 0;
                byte[] chain = size == 0 ? Hashes.GENESIS_CHAIN : rs.getBytes(2);
                if (head == null || size != head.size() || !MessageDigest.isEqual(chain, head.chainHash())) {
                    head = null;
                }
            }
            ps.getMoreResults();
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    batch.add(new PendingEntries.Pending(rs.getLong(1), rs.getBytes(2)));
                }
            }
        }
        if (head == null) {
            head = store.readHead(c); // the first batch, or another process sealed since: O(log n) rows
        }
        if (batch.isEmpty()) {
            c.commit();
            return new Batch(batch, head);
        }
        head = PendingEntries.insertSealed(c, head, batch);
        Object[] nums = batch.stream().map(PendingEntries.Pending::num).toArray();
        try (PreparedStatement del = c.prepareStatement("DELETE FROM ledger_pending WHERE num = ANY (?); COMMIT")) {
            // exactly the rows sealed, so nothing else can go whatever the count below says
            del.setArray(1, c.createArrayOf("bigint", nums));
            del.execute();
            if (del.getUpdateCount() != batch.size()) {
                throw new SQLException("sealing deleted " + del.getUpdateCount() + " pending rows, not the " + batch.size()
                        + " it sealed", "XX000");
            }
        }
        return new Batch(batch, head);
    }
}
