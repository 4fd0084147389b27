package io.ledgerjdbc.ledger.store;

/**
 * One {@code ledger_entry} row exactly as stored: nothing here has been checked. The verifier is what
 * decides whether the hashes belong to the bytes.
 */
public record StoredEntry(long seq, byte[] entry, byte[] leafHash, byte[] chainHash, byte[] treeNodes) {
}
