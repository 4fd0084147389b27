package io.ledgerjdbc.ledger.digest;

import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * A node's Ed25519 signature over a transaction it originated. The origin signs before the cluster orders the
 * transaction, so before its seq is known: the signed message is a domain label followed by the entry's
 * canonical encoding with seq 1, and any holder of the entry and the origin's public key can check it.
 */
public final class OriginSignature {

    private static final byte[] LABEL = "ledgerjdbc origin signature v1\n".getBytes(StandardCharsets.US_ASCII);

    private OriginSignature() {
    }

    public static byte[] sign(Ed25519PrivateKeyParameters key, LedgerEntry entry) {
        return DigestSigner.signRaw(key, message(entry));
    }

    /** Whether {@code signature} is {@code publicKey}'s over {@code entry} (whatever seq the entry now has). */
    public static boolean verify(Ed25519PublicKeyParameters publicKey, LedgerEntry entry, byte[] signature) {
        return signature != null && signature.length == 64 && SignedDigest.verify(publicKey.getEncoded(), message(entry), signature);
    }

    private static byte[] message(LedgerEntry entry) {
        byte[] body = EntryCodec.encode(entry.seq() == 1 ? entry : entry.withSeq(1));
        byte[] message = new byte[LABEL.length + body.length];
        System.arraycopy(LABEL, 0, message, 0, LABEL.length);
        System.arraycopy(body, 0, message, LABEL.length, body.length);
        return message;
    }
}
