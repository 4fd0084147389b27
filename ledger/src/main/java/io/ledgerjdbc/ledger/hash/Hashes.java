package io.ledgerjdbc.ledger.hash;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The ledger's SHA-256 hashes (RFC 6962 / RFC 9162 §2.1 for the tree; the chain is ours):
 * <ul>
 *   <li>leaf: {@code SHA-256(0x00 || encoded entry)}</li>
 *   <li>node: {@code SHA-256(0x01 || left || right)}</li>
 *   <li>empty tree: {@code SHA-256("")}</li>
 *   <li>chain: {@code SHA-256(previous chain || leaf)}, the chain before the first entry being 32 zero bytes</li>
 * </ul>
 * Every method returns a fresh 32-byte array.
 */
public final class Hashes {

    public static final int SIZE = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    /** The chain hash "before" entry 1. */
    public static final byte[] GENESIS_CHAIN = new byte[SIZE];

    private static final byte[] EMPTY_TREE = sha256().digest();

    // MessageDigest is not thread-safe; one per thread avoids both locking and getInstance's lookup cost.
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Hashes::sha256);

    private Hashes() {
    }

    public static byte[] emptyTree() {
        return EMPTY_TREE.clone();
    }

    public static byte[] leaf(byte[] entry) {
        Objects.requireNonNull(entry, "entry");
        MessageDigest md = fresh();
        md.update(LEAF_PREFIX);
        md.update(entry);
        return md.digest();
    }

    public static byte[] node(byte[] left, byte[] right) {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
        MessageDigest md = fresh();
        md.update(NODE_PREFIX);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    public static byte[] chain(byte[] previousChain, byte[] leaf) {
        Objects.requireNonNull(previousChain, "previousChain");
        Objects.requireNonNull(leaf, "leaf");
        MessageDigest md = fresh();
        md.update(previousChain);
        md.update(leaf);
        return md.digest();
    }

    public static byte[] sha256(byte[] data) {
        return fresh().digest(Objects.requireNonNull(data, "data"));
    }

    /** SHA-256 of {@code data[from, to)}. */
    public static byte[] sha256(byte[] data, int from, int to) {
        Objects.checkFromToIndex(from, to, Objects.requireNonNull(data, "data").length);
        MessageDigest md = fresh();
        md.update(data, from, to - from);
        return md.digest();
    }

    /**
     * The thread's digest, reset: the arguments are checked before the first update, but an Error thrown
     * half-way through a hash must still never leak its bytes into the next one.
     */
    private static MessageDigest fresh() {
        MessageDigest md = DIGEST.get();
        md.reset();
        return md;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
