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
    private static final ThreadLocal<Digest> DIGEST = ThreadLocal.withInitial(Digest::new);

    /**
     * The thread's digest and whether it is known to be reset: digest() resets it, so only a hash that did not
     * get that far (an Error half-way) leaves it dirty. Resetting an already reset SHA-256 clears its state and
     * its 64-word schedule again, a cost worth avoiding at three hashes per ledger entry.
     */
    private static final class Digest {
        final MessageDigest md = sha256();
        boolean clean = true;
    }

    private Hashes() {
    }

    public static byte[] emptyTree() {
        return EMPTY_TREE.clone();
    }

    public static byte[] leaf(byte[] entry) {
        Objects.requireNonNull(entry, "entry");
        Digest d = fresh();
        d.md.update(LEAF_PREFIX);
        d.md.update(entry);
        return done(d);
    }

    public static byte[] node(byte[] left, byte[] right) {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
        Digest d = fresh();
        d.md.update(NODE_PREFIX);
        d.md.update(left);
        d.md.update(right);
        return done(d);
    }

    public static byte[] chain(byte[] previousChain, byte[] leaf) {
        Objects.requireNonNull(previousChain, "previousChain");
        Objects.requireNonNull(leaf, "leaf");
        Digest d = fresh();
        d.md.update(previousChain);
        d.md.update(leaf);
        return done(d);
    }

    public static byte[] sha256(byte[] data) {
        Objects.requireNonNull(data, "data");
        Digest d = fresh();
        d.md.update(data);
        return done(d);
    }

    /** SHA-256 of {@code data[from, to)}. */
    public static byte[] sha256(byte[] data, int from, int to) {
        Objects.checkFromToIndex(from, to, Objects.requireNonNull(data, "data").length);
        Digest d = fresh();
        d.md.update(data, from, to - from);
        return done(d);
    }

    /**
     * The thread's digest, reset: the arguments are checked before the first update, but an Error thrown
     * half-way through a hash must still never leak its bytes into the next one.
     */
    private static Digest fresh() {
        Digest d = DIGEST.get();
        if (!d.clean) {
            d.md.reset();
        }
        d.clean = false;
        return d;
    }

    /** Finishes the hash; digest() leaves the digest reset. */
    private static byte[] done(Digest d) {
        byte[] out = d.md.digest();
        d.clean = true;
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
