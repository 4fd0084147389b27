package io.ledgerjdbc.ledger.digest;

import static io.ledgerjdbc.ledger.digest.Fixtures.flipBit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SignedDigestTest {

    private static final DigestSigner SIGNER = new DigestSigner(Fixtures.KEY);
    private static final SignedDigest DIGEST = SIGNER.sign(Fixtures.head());

    /** Each way of corrupting one bit of a signed digest; {@code bits} is how many bits the field has. */
    enum Tamper {
        TREE_SIZE(63, (d, bit) -> withHead(d, new TreeHead(d.head().treeSize() ^ (1L << bit), d.head().rootHash(), d.head().chainHash(), d.head().timestamp()))),
        ROOT_HASH(256, (d, bit) -> withHead(d, new TreeHead(d.head().treeSize(), flipBit(d.head().rootHash(), bit), d.head().chainHash(), d.head().timestamp()))),
        CHAIN_HASH(256, (d, bit) -> withHead(d, new TreeHead(d.head().treeSize(), d.head().rootHash(), flipBit(d.head().chainHash(), bit), d.head().timestamp()))),
        TIMESTAMP(64, (d, bit) -> withHead(d, new TreeHead(d.head().treeSize(), d.head().rootHash(), d.head().chainHash(),
                Instant.ofEpochMilli(d.head().timestamp().toEpochMilli() ^ (1L << bit))))),
        SIGNATURE(512, (d, bit) -> new SignedDigest(d.head(), d.keyId(), d.publicKey(), flipBit(d.signature(), bit))),
        PUBLIC_KEY(256, (d, bit) -> {
            byte[] key = flipBit(d.publicKey(), bit);
            return new SignedDigest(d.head(), SignedDigest.keyIdOf(key), key, d.signature());
        });

        final int bits;
        final BiFunction<SignedDigest, Integer, SignedDigest> flip;

        Tamper(int bits, BiFunction<SignedDigest, Integer, SignedDigest> flip) {
            this.bits = bits;
            this.flip = flip;
        }

        private static SignedDigest withHead(SignedDigest d, TreeHead head) {
            return new SignedDigest(head, d.keyId(), d.publicKey(), d.signature());
        }
    }

    @Test
    void freshlySignedDigestVerifies() {
        assertThat(DIGEST.signatureValid()).isTrue();
        assertThat(DIGEST.keyId()).isEqualTo(SIGNER.keyId());
        assertThat(DIGEST.publicKey()).isEqualTo(SIGNER.publicKey());
    }

    @ParameterizedTest
    @EnumSource(Tamper.class)
    void flippingAnySingleBitBreaksTheSignature(Tamper tamper) {
        List<Integer> stillValid = new ArrayList<>();
        for (int bit = 0; bit < tamper.bits; bit++) {
            if (tamper.flip.apply(DIGEST, bit).signatureValid()) {
                stillValid.add(bit);
            }
        }
        assertThat(stillValid).as("bits of %s whose flip still verifies", tamper).isEmpty();
    }

    @Test
    void signatureDoesNotVerifyUnderAnotherKey() {
        byte[] otherKey = new DigestSigner(Fixtures.OTHER_KEY).publicKey();
        SignedDigest swapped = new SignedDigest(DIGEST.head(), SignedDigest.keyIdOf(otherKey), otherKey, DIGEST.signature());

        assertThat(swapped.signatureValid()).isFalse();
    }

    @Test
    void publicKeyThatIsNotACurvePointGivesFalseRatherThanAnException() {
        byte[] notAPoint = new byte[32];
        SignedDigest digest = new SignedDigest(DIGEST.head(), SignedDigest.keyIdOf(notAPoint), notAPoint, DIGEST.signature());

        assertThat(digest.signatureValid()).isFalse();
    }

    @Test
    void constructorRejectsKeyIdNotMatchingThePublicKeyAndWrongLengths() {
        byte[] key = DIGEST.publicKey();
        byte[] sig = DIGEST.signature();
        String otherId = SignedDigest.keyIdOf(new DigestSigner(Fixtures.OTHER_KEY).publicKey());

        assertThatThrownBy(() -> new SignedDigest(DIGEST.head(), otherId, key, sig))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keyId " + otherId + " does not match publicKey (whose keyId is " + DIGEST.keyId() + ")");
        assertThatThrownBy(() -> new SignedDigest(DIGEST.head(), DIGEST.keyId().toUpperCase(), key, sig))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match publicKey");
        assertThatThrownBy(() -> new SignedDigest(DIGEST.head(), DIGEST.keyId(), key, new byte[63]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("signature must be 64 bytes, was 63");
        assertThatThrownBy(() -> new SignedDigest(DIGEST.head(), DIGEST.keyId(), new byte[33], sig))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("publicKey must be 32 bytes, was 33");
    }

    @Test
    void keyIdIsLowercaseHexOfTheFirstEightBytesOfTheKeysSha256() throws Exception {
        byte[] key = DIGEST.publicKey();
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(key);

        assertThat(SignedDigest.keyIdOf(key))
                .isEqualTo(HexFormat.of().formatHex(sha, 0, 8))
                .matches("[0-9a-f]{16}");
    }

    @Test
    void arraysAreCopiedAndEqualityFollowsContent() {
        byte[] sig = DIGEST.signature();
        SignedDigest copy = new SignedDigest(DIGEST.head(), DIGEST.keyId(), DIGEST.publicKey(), sig);
        sig[0] ^= 1;
        DIGEST.signature()[1] ^= 1;
        DIGEST.publicKey()[1] ^= 1;

        assertThat(copy).isEqualTo(DIGEST).hasSameHashCodeAs(DIGEST);
        assertThat(DIGEST.signatureValid()).isTrue();
        assertThat(copy.toString()).contains("keyId=" + DIGEST.keyId());
    }
}
