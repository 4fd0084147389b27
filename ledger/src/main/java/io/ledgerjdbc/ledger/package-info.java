/**
 * The pure ledger core: entries, their canonical encoding, hashing, the RFC 6962 Merkle tree and proofs,
 * signed digests, storage in the user's own database, and verification. It knows nothing of JDBC drivers
 * (it speaks {@code java.sql} only) or of Raft.
 */
package io.ledgerjdbc.ledger;
