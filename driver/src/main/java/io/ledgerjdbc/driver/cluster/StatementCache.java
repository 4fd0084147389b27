package io.ledgerjdbc.driver.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier's prepared statements, kept per SQL text on its one connection. Not thread-safe: only the applying
 * thread uses it (the applier's methods are synchronized).
 */
final class StatementCache {

    private static final Logger LOG = LoggerFactory.getLogger(StatementCache.class);
    private static final int MAX_STATEMENTS = 256;

    private final Connection c;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    StatementCache(Connection c) {
        this.c = c;
    }

    /**
     * The apply path's statements, kept per SQL text on this one connection: preparing them again for every
     * write-set was a measurable share of the Raft thread's time. Closed before any DDL runs (table shapes change)
     * and when there are many (a bound, not an LRU: the texts repeat per table and operation).
     */
    PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            if (statements.size() >= MAX_STATEMENTS) {
                close();
            }
            ps = c.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Closes every cached statement (before DDL: table shapes change; and when the applier closes). */
    void close() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                LOG.debug("closing a cached statement", e);
            }
        }
        statements.clear();
    }
}
