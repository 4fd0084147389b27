package io.ledgerjdbc.ledger.digest;

import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Signs {@link TreeHead}s with one Ed25519 private key. Thread-safe: the key is immutable and each signature
 * uses its own {@link Ed25519Signer} (which buffers the message and so cannot be shared).
 * <p>
 * Ed25519 is deterministic, so signing the same head twice with the same key gives the same signature bytes.
 */
public final class DigestSigner {

    private final Ed25519PrivateKeyParameters privateKey;
    private final byte[] publicKey;
    private final String keyId;

    public DigestSigner(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = privateKey.generatePublicKey().getEncoded();
        this.keyId = SignedDigest.keyIdOf(publicKey);
    }

    /** Signs {@code head} (its {@link TreeHead#signedBytes signed bytes} under this signer's public key). */
    public SignedDigest sign(TreeHead head) {
        byte[] signature = signRaw(privateKey, head.signedBytes(publicKey));
        return new SignedDigest(head, keyId, publicKey, signature);
    }

    /** A copy of the 32-byte raw public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** {@link SignedDigest#keyIdOf keyIdOf(publicKey())}. */
    public String keyId() {
        return keyId;
    }

    /** Plain Ed25519 (RFC 8032, no context) over {@code message}; separate so it can be checked against RFC vectors. */
    static byte[] signRaw(Ed25519PrivateKeyParameters key, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }
}
