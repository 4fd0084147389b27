package io.ledgerjdbc.ledger.verify;

import io.ledgerjdbc.ledger.entry.EncodedEntry;
import io.ledgerjdbc.ledger.entry.LedgerEntry;

/**
 * An {@link EntryVisitor} that reads entries as validated bytes: the verifier then checks each entry's
 * encoding without materialising it and hands over the bytes with the positions of their parts. This is what
 * lets a verification of millions of entries fold the state without decoding every row into objects.
 */
public interface EncodedEntryVisitor extends EntryVisitor {

    /** Sees every entry that validated, in seq order; {@code entry} is reused after the call returns. */
    void visit(EncodedEntry entry);

    /** The same for an entry given as objects (callers outside a verification pass). */
    @Override
    void visit(LedgerEntry entry);
}
