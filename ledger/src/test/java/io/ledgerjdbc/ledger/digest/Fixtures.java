package io.ledgerjdbc.ledger.digest;

import java.time.Instant;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** Fixed keys and heads, so failures reproduce byte for byte. */
final class Fixtures {

    static final Ed25519PrivateKeyParameters KEY = new Ed25519PrivateKeyParameters(counting(0x40, 32));
    static final Ed25519PrivateKeyParameters OTHER_KEY = new Ed25519PrivateKeyParameters(counting(0x80, 32));

    static final Instant TIME = Instant.parse("2026-11-24T20:55:45.123Z");

    private Fixtures() {
    }

    static TreeHead head() {
        return new TreeHead(42, counting(1, 32), counting(101, 32), TIME);
    }

    /** {@code start, start+1, ...} as bytes. */
    static byte[] counting(int start, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (start + i);
        }
        return bytes;
    }

    static byte[] flipBit(byte[] bytes, int bit) {
        byte[] copy = bytes.clone();
        copy[bit / 8] ^= (byte) (1 << (bit % 8));
        return copy;
    }
}
