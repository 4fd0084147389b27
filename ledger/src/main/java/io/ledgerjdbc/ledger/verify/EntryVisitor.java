package io.ledgerjdbc.ledger.verify;

import io.ledgerjdbc.ledger.entry.LedgerEntry;

/**
 * Sees every entry that decoded, in seq order, during a verification: the hook through which the state check
 * (table contents against the ledger) rides on the same single pass. The ledger is being read on another thread
 * meanwhile: a visitor must not use the verified connection.
 */
@FunctionalInterface
public interface EntryVisitor {

    void visit(LedgerEntry entry);
}
