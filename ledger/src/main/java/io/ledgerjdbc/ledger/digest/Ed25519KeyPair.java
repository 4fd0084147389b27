package io.ledgerjdbc.ledger.digest;

import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/** An Ed25519 private key and its public key, as generated or loaded by {@link KeyFiles}. */
public record Ed25519KeyPair(Ed25519PrivateKeyParameters privateKey, Ed25519PublicKeyParameters publicKey) {

    /**
     * @throws IllegalArgumentException if {@code publicKey} is not the public key of {@code privateKey}: a
     *                                  mismatched pair would produce digests that never verify
     */
    public Ed25519KeyPair {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
        if (!Arrays.equals(privateKey.generatePublicKey().getEncoded(), publicKey.getEncoded())) {
            throw new IllegalArgumentException("publicKey is not the public key of privateKey");
        }
    }

    /** The pair for {@code privateKey}, deriving its public key. */
    public static Ed25519KeyPair of(Ed25519PrivateKeyParameters privateKey) {
        return new Ed25519KeyPair(privateKey, privateKey.generatePublicKey());
    }
}
