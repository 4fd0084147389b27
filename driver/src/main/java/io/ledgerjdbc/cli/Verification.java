package io.ledgerjdbc.cli;

import io.ledgerjdbc.driver.verify.StateCheck;
import io.ledgerjdbc.ledger.entry.EncodedEntry;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.MalformedEntryException;
import io.ledgerjdbc.ledger.store.PendingEntries;
import io.ledgerjdbc.ledger.verify.FindingKind;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.verify.EncodedEntryVisitor;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import io.ledgerjdbc.ledger.verify.VerifyReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * One complete verification: the ledger pass (entries, hashes, Merkle nodes, digests) with the state check
 * riding on it, then the tables compared with the ledger. Everything is read in one read-only transaction at
 * REPEATABLE READ where the database has it, so that the tables and the ledger are one snapshot and a writer
 * committing meanwhile cannot show up as a finding. Shared by {@code verify} and {@code demo}.
 */
final class Verification {

    /** What a run saw; {@code tablesChecked} is false when the state check was skipped. */
    record Result(VerifyReport ledger, boolean tablesChecked, long stateFindings, long rowsRead, long pendingEntries,
                  long pendingFindings) {
        long findings() {
            return ledger.findings() + stateFindings + pendingFindings;
        }

        boolean clean() {
            return findings() == 0;
        }
    }

    private Verification() {
    }

    static Result run(Connection c, VerifyOptions options, boolean checkState, Consumer<Finding> sink, ProgressBar progress)
            throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        snapshot(c);
        try {
            LedgerStore store = LedgerStore.of(c);
            long size = store.size(c);
            boolean state = checkState && options.fromSeq() == 1; // the state needs every entry from the first
            try (StateCheck check = StateCheck.forDatabase(c, store.dialect())) {
                progress.phase("verifying ledger", size);
                VerifyOptions withVisitor = options.withVisitor(new EncodedEntryVisitor() {
                    @Override
                    public void visit(EncodedEntry e) {
                        if (state) {
                            check.visit(e);
                        }
                        progress.update(e.seq());
                    }

                    @Override
                    public void visit(LedgerEntry e) {
                        if (state) {
                            check.visit(e);
                        }
                        progress.update(e.seq());
                    }
                });
                VerifyReport report = new LedgerVerifier(store).verify(c, withVisitor, sink);
                long[] pending = pendingTail(c, store.size(c), state ? check : null, sink);
                long stateFindings = 0;
                long[] rows = {0};
                if (state) {
                    progress.phase("checking tables", 0);
                    check.onRowsRead(n -> {
                        rows[0] = n;
                        progress.update(n);
                    });
                    stateFindings = check.compare(c, store.dialect(), sink);
                }
                progress.done();
                return new Result(report, state, stateFindings, rows[0], pending[0], pending[1]);
            }
        } finally {
            progress.done();
            try {
                c.rollback(); // nothing was written; ends the read transaction
            } catch (SQLException ignored) {
                // the connection is going away anyway
            }
            try {
                c.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // as above
            }
        }
    }

    /**
     * Version 2 (PostgreSQL, MariaDB): entries committed but not yet sealed are the ledger's tail. Each must decode
     * (with the seq it would be sealed at) and, with the state check, its changes are applied after the sealed
     * entries', in order-number order, so the tables are compared with everything committed. Sealed by whoever
     * seals next; verify itself writes nothing.
     *
     * @return {pending entries, findings among them}
     */
    private static long[] pendingTail(Connection c, long sealed, StateCheck check, Consumer<Finding> sink) throws SQLException {
        if (!PendingEntries.enabled(c)) {
            return new long[] {0, 0};
        }
        long count = 0;
        long findings = 0;
        for (PendingEntries.Pending p : PendingEntries.readAll(c)) {
            count++;
            try {
                LedgerEntry e = PendingEntries.decodeAt(p.entry(), sealed + count);
                if (check != null) {
                    check.visit(e);
                }
            } catch (MalformedEntryException | IllegalArgumentException e) {
                findings++;
                sink.accept(new Finding(FindingKind.ENTRY_MALFORMED, null, "ledger_pending", "num=" + p.num(), null, null,
                        "the pending entry does not decode: " + e.getMessage()));
            }
        }
        return new long[] {count, findings};
    }

    /** One transaction for the whole run, at REPEATABLE READ where the database offers it (SQLite's is a snapshot). */
    private static void snapshot(Connection c) throws SQLException {
        c.setAutoCommit(false);
        if (c.getMetaData().supportsTransactionIsolationLevel(Connection.TRANSACTION_REPEATABLE_READ)
                && !c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("sqlite")) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
    }
}
