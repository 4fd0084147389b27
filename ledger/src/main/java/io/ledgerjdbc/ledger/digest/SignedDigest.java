package io.ledgerjdbc.ledger.digest;

import io.ledgerjdbc.ledger.hash.Hashes;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A {@link TreeHead} with an Ed25519 signature over its {@link TreeHead#signedBytes signed bytes}. Immutable;
 * the arrays are copied in and out.
 * <p>
 * Construction checks shapes only (sizes, and that {@code keyId} belongs to {@code publicKey}), never the
 * signature: a digest read from an untrusted file can be held and inspected before deciding to trust it.
 *
 * @param head      the signed statement
 * @param keyId     {@link #keyIdOf keyIdOf(publicKey)}: a short name for the key, for logs and file names
 * @param publicKey the signer's 32-byte raw Ed25519 public key
 * @param signature the 64-byte Ed25519 signature
 */
public record SignedDigest(TreeHead head, String keyId, byte[] publicKey, byte[] signature) {

    static final int PUBLIC_KEY_SIZE = Ed25519PublicKeyParameters.KEY_SIZE;
    static final int SIGNATURE_SIZE = Ed25519PrivateKeyParameters.SIGNATURE_SIZE;

    private static final int KEY_ID_BYTES = 8;

    /**
     * @throws IllegalArgumentException if {@code publicKey} is not 32 bytes, {@code signature} is not 64 bytes, or
     *                                  {@code keyId} is not {@code keyIdOf(publicKey)}
     * @throws NullPointerException     if any argument is null
     */
    public SignedDigest {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(signature, "signature");
        String expectedId = keyIdOf(publicKey);
        if (!keyId.equals(expectedId)) {
            throw new IllegalArgumentException("keyId " + keyId + " does not match publicKey (whose keyId is " + expectedId + ")");
        }
        if (signature.length != SIGNATURE_SIZE) {
            throw new IllegalArgumentException("signature must be " + SIGNATURE_SIZE + " bytes, was " + signature.length);
        }
        publicKey = publicKey.clone();
        signature = signature.clone();
    }

    /**
     * The key id of a public key: lowercase hex of the first 8 bytes of {@code SHA-256(publicKey)}.
     *
     * @throws IllegalArgumentException if {@code publicKey} is not 32 bytes
     */
    public static String keyIdOf(byte[] publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        if (publicKey.length != PUBLIC_KEY_SIZE) {
            throw new IllegalArgumentException("publicKey must be " + PUBLIC_KEY_SIZE + " bytes, was " + publicKey.length);
        }
        return HexFormat.of().formatHex(Hashes.sha256(publicKey), 0, KEY_ID_BYTES);
    }

    /** A copy of the 32-byte raw public key. */
    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** A copy of the 64-byte signature. */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * Whether {@link #signature} is a valid Ed25519 signature by {@link #publicKey} over {@code head}.
     * <p>
     * This proves only that the holder of the embedded key signed this head. Whether that key is one you trust
     * is a separate check: compare {@link #publicKey} (or {@link #keyId}) against the key you expect.
     *
     * @return false for any bad signature or unusable public key; never throws for either
     */
    public boolean signatureValid() {
        return verify(publicKey, head.signedBytes(publicKey), signature);
    }

    /** Raw Ed25519 verification; false (not an exception) if the key is not a valid curve point. */
    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        Ed25519PublicKeyParameters key;
        try {
            key = new Ed25519PublicKeyParameters(publicKey);
        } catch (IllegalArgumentException e) {
            return false; // Bouncy Castle rejects encodings that are not a point on the curve
        }
        // Ed25519Signer buffers the message, so it is not thread-safe: one per call.
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedDigest d
                && head.equals(d.head)
                && Arrays.equals(publicKey, d.publicKey)
                && Arrays.equals(signature, d.signature); // keyId is a function of publicKey
    }

    @Override
    public int hashCode() {
        return Objects.hash(head, Arrays.hashCode(publicKey), Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "SignedDigest[head=" + head + ", keyId=" + keyId + ", publicKey=" + hex.formatHex(publicKey)
                + ", signature=" + hex.formatHex(signature) + "]";
    }
}
