package io.ledgerjdbc.ledger.verify;

import io.ledgerjdbc.ledger.digest.SignedDigest;
import java.util.List;
import java.util.Set;

/**
 * How to verify.
 *
 * @param fromSeq         first entry to check; the stored chain hash and Merkle frontier before it are trusted
 *                        (1 checks everything)
 * @param trustedKeyIds   key ids whose digests count as trusted; empty trusts any key that signed validly
 * @param externalDigests digests kept outside the database (e.g. a JSON Lines file); the only defence against
 *                        someone who rewrote the whole ledger with correct hashes
 * @param visitor         sees every decoded entry in order (the state check), or null
 */
public record VerifyOptions(long fromSeq, Set<String> trustedKeyIds, List<SignedDigest> externalDigests, EntryVisitor visitor) {

    public VerifyOptions {
        if (fromSeq < 1) {
            throw new IllegalArgumentException("fromSeq must be >= 1, was " + fromSeq);
        }
        trustedKeyIds = Set.copyOf(trustedKeyIds);
        externalDigests = List.copyOf(externalDigests);
    }

    public static VerifyOptions defaults() {
        return new VerifyOptions(1, Set.of(), List.of(), null);
    }

    public VerifyOptions withExternalDigests(List<SignedDigest> digests) {
        return new VerifyOptions(fromSeq, trustedKeyIds, digests, visitor);
    }

    public VerifyOptions withVisitor(EntryVisitor v) {
        return new VerifyOptions(fromSeq, trustedKeyIds, externalDigests, v);
    }

    public VerifyOptions from(long seq) {
        return new VerifyOptions(seq, trustedKeyIds, externalDigests, visitor);
    }

    public VerifyOptions trusting(Set<String> keyIds) {
        return new VerifyOptions(fromSeq, keyIds, externalDigests, visitor);
    }
}
