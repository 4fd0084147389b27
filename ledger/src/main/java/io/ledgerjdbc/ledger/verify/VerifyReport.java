package io.ledgerjdbc.ledger.verify;

import java.time.Duration;

/**
 * What a verification saw: how many entries, the Merkle root and chain hash it recomputed, how many digests
 * it checked, and how many findings it reported. Clean means no findings.
 */
public record VerifyReport(long entries, byte[] root, byte[] chainHash, int digestsChecked, long findings, Duration took) {

    public boolean clean() {
        return findings == 0;
    }
}
