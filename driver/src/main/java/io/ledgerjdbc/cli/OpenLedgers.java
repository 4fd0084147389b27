package io.ledgerjdbc.cli;

import io.ledgerjdbc.ledger.diff.LedgerDiff;
import io.ledgerjdbc.ledger.diff.SyncGroups;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several ledgers open at once, for the commands that compare them ({@code diff}, {@code status}): one
 * connection and store each, their sizes, and pairwise comparisons computed once and remembered.
 */
final class OpenLedgers implements AutoCloseable {

    private final List<String> urls;
    private final List<Connection> connections = new ArrayList<>();
    private final List<LedgerStore> stores = new ArrayList<>();
    private final long[] sizes;
    private final Map<Long, LedgerDiff.Result> compared = new HashMap<>();

    OpenLedgers(ConnectionOptions options, List<String> urls) throws SQLException, UserError {
        this.urls = urls;
        this.sizes = new long[urls.size()];
        try {
            for (int i = 0; i < urls.size(); i++) {
                Connection c = options.openLedger(urls.get(i));
                connections.add(c);
                LedgerStore store = LedgerStore.of(c);
                stores.add(store);
                sizes[i] = store.size(c);
            }
        } catch (SQLException | UserError | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Reads every ledger's size again and forgets the comparisons: what {@code status --watch} shows next. */
    void refresh() throws SQLException {
        for (int i = 0; i < urls.size(); i++) {
            sizes[i] = stores.get(i).size(connections.get(i));
        }
        compared.clear();
    }

    int count() {
        return urls.size();
    }

    Connection connection(int i) {
        return connections.get(i);
    }

    LedgerStore store(int i) {
        return stores.get(i);
    }

    long size(int i) {
        return sizes[i];
    }

    /** Ledgers {@code i} and {@code j} compared by their Merkle trees (computed once per pair). */
    LedgerDiff.Result compare(int i, int j) {
        return compared.computeIfAbsent((long) i * urls.size() + j, k -> {
            try {
                return new LedgerDiff(connections.get(i), stores.get(i), connections.get(j), stores.get(j)).compare();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot compare " + ConnectionOptions.redacted(urls.get(i)) + " with "
                        + ConnectionOptions.redacted(urls.get(j)) + ": " + e.getMessage(), e);
            }
        });
    }

    /** Which ledgers hold the same history. */
    List<SyncGroups.Group> syncGroups() {
        return SyncGroups.of(sizes.clone(), this::compare);
    }

    /** Rows read so far: one size query per ledger plus what each comparison read. */
    long rowsRead() {
        return urls.size() + compared.values().stream().mapToLong(LedgerDiff.Result::rowsRead).sum();
    }

    @Override
    public void close() {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a read-only connection
            }
        }
    }
}
