package io.ledgerjdbc.ledger.verify;

import io.ledgerjdbc.ledger.entry.LedgerEntry;

/**
 * Sees every entry that decoded, in seq order, during a verification: the hook through which the state check
 * (table contents against the ledger) rides on the same single pass.
 */
@FunctionalInterface
public interface EntryVisitor {

    void visit(LedgerEntry entry);
}
