package io.ledgerjdbc.ledger.verify;

/** What a finding is about. The names are a stable, documented list (docs/cli.md): scripts match on them. */
public enum FindingKind {
    /** An entry's bytes do not decode as a canonical entry. */
    ENTRY_MALFORMED,
    /** The seq inside an entry's bytes is not the row's seq (rows swapped or renumbered). */
    SEQ_MISMATCH,
    /** One or more seqs are missing: rows deleted from the middle or the start of the ledger. */
    SEQ_GAP,
    /** Rows with a seq below 1, which no ledger writes. */
    SEQ_OUT_OF_RANGE,
    /** The stored leaf hash is not SHA-256(0x00 || entry bytes): the entry's bytes or its hash were edited. */
    LEAF_HASH_MISMATCH,
    /** The stored chain hash is not SHA-256(previous chain || leaf). */
    CHAIN_HASH_MISMATCH,
    /** The Merkle nodes stored with an entry are not the ones its leaf completes. */
    TREE_NODES_MISMATCH,
    /** A digest's Ed25519 signature does not verify. */
    DIGEST_SIGNATURE_INVALID,
    /** A digest is signed by a key that is not in the trusted set. */
    DIGEST_UNTRUSTED_KEY,
    /** A digest's root or chain hash differs from the ledger's at the digest's size: history was rewritten. */
    DIGEST_MISMATCH,
    /** A digest covers more entries than the ledger has: entries were truncated. */
    DIGEST_BEYOND_LEDGER,
    /** A stored digest row cannot be parsed. */
    DIGEST_MALFORMED,
    /** A digest could not be compared: entries it covers are missing, so its root cannot be recomputed. */
    DIGEST_UNCHECKED,
    /** A row's content differs from what the ledger says it must be. */
    ROW_CHANGED,
    /** A row exists that the ledger never recorded. */
    ROW_ADDED,
    /** A row the ledger says exists is not there. */
    ROW_MISSING,
    /** A table the ledger has (created or wrote rows to) is not in the database. */
    TABLE_MISSING
}
