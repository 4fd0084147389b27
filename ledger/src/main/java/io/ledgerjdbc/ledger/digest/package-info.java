/**
 * Signed digests ("signed tree heads"): a statement that at tree size N the Merkle root was R and the chain
 * hash was C, signed with Ed25519 so that anyone holding the public key can later prove the ledger has not
 * been rewritten since.
 * <p>
 * All cryptography uses Bouncy Castle's lightweight API directly; nothing here registers or looks up a JCA
 * provider, so it keeps working from a shaded jar whose signature files were stripped.
 */
package io.ledgerjdbc.ledger.digest;
