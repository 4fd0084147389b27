package io.ledgerjdbc.ledger.digest;

import io.ledgerjdbc.ledger.hash.Hashes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The state of the ledger at one moment: its size, Merkle root and chain hash. Immutable; the hash arrays are
 * copied in and out.
 *
 * @param treeSize  number of entries, {@code >= 0}
 * @param rootHash  RFC 6962 Merkle tree hash of the first {@code treeSize} entries, 32 bytes
 * @param chainHash chain hash after entry {@code treeSize}, 32 bytes
 * @param timestamp when the head was taken, truncated to milliseconds (the precision that is signed and
 *                  written to JSON, so a head survives both unchanged)
 */
public record TreeHead(long treeSize, byte[] rootHash, byte[] chainHash, Instant timestamp) {

    /** Domain separation: these bytes can never be mistaken for a signature over anything else we sign. */
    private static final byte[] DOMAIN = "LedgerJDBC tree head v1".getBytes(StandardCharsets.US_ASCII);

    /** Length of {@link #signedBytes}: domain, 0x00, size, root, chain, timestamp, public key. */
    static final int SIGNED_LENGTH = DOMAIN.length + 1 + Long.BYTES + 2 * Hashes.SIZE + Long.BYTES + 32;

    /**
     * @throws IllegalArgumentException if {@code treeSize} is negative, a hash is not 32 bytes, or the timestamp
     *                                  cannot be expressed as epoch milliseconds in a {@code long}
     * @throws NullPointerException     if any argument is null
     */
    public TreeHead {
        Objects.requireNonNull(rootHash, "rootHash");
        Objects.requireNonNull(chainHash, "chainHash");
        Objects.requireNonNull(timestamp, "timestamp");
        if (treeSize < 0) {
            throw new IllegalArgumentException("treeSize must be >= 0, was " + treeSize);
        }
        rootHash = checkedHash("rootHash", rootHash);
        chainHash = checkedHash("chainHash", chainHash);
        timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
        try {
            timestamp.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("timestamp " + timestamp + " does not fit in epoch milliseconds", e);
        }
    }

    private static byte[] checkedHash(String name, byte[] hash) {
        if (hash.length != Hashes.SIZE) {
            throw new IllegalArgumentException(name + " must be " + Hashes.SIZE + " bytes, was " + hash.length);
        }
        return hash.clone();
    }

    /** A copy of the 32-byte Merkle root. */
    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** A copy of the 32-byte chain hash. */
    @Override
    public byte[] chainHash() {
        return chainHash.clone();
    }

    /**
     * The exact bytes an Ed25519 signature over this head covers:
     * <pre>
     * "LedgerJDBC tree head v1" (23 ASCII bytes) || 0x00 || treeSize (u64 big-endian) || rootHash (32)
     *   || chainHash (32) || timestamp epoch millis (i64 big-endian) || publicKey (32)
     * </pre>
     * The signer's public key is included so a signature cannot be re-attributed to a different key.
     *
     * @param publicKey the 32-byte raw Ed25519 public key of the signer
     * @return a fresh array of {@value #SIGNED_LENGTH} bytes
     * @throws IllegalArgumentException if {@code publicKey} is not 32 bytes
     */
    public byte[] signedBytes(byte[] publicKey) {
        if (publicKey.length != 32) {
            throw new IllegalArgumentException("publicKey must be 32 bytes, was " + publicKey.length);
        }
        return ByteBuffer.allocate(SIGNED_LENGTH) // big-endian by default
                .put(DOMAIN)
                .put((byte) 0)
                .putLong(treeSize)
                .put(rootHash)
                .put(chainHash)
                .putLong(timestamp.toEpochMilli())
                .put(publicKey)
                .array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TreeHead h
                && treeSize == h.treeSize
                && Arrays.equals(rootHash, h.rootHash)
                && Arrays.equals(chainHash, h.chainHash)
                && timestamp.equals(h.timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(treeSize, Arrays.hashCode(rootHash), Arrays.hashCode(chainHash), timestamp);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "TreeHead[treeSize=" + treeSize + ", rootHash=" + hex.formatHex(rootHash)
                + ", chainHash=" + hex.formatHex(chainHash) + ", timestamp=" + timestamp + "]";
    }
}
