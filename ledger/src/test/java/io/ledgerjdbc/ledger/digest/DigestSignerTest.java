package io.ledgerjdbc.ledger.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

class DigestSignerTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rawSigningMatchesRfc8032TestVector1() {
        // RFC 8032 §7.1, TEST 1: empty message.
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(
                HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        byte[] publicKey = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] expected = HEX.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

        assertThat(new DigestSigner(key).publicKey()).isEqualTo(publicKey);
        assertThat(DigestSigner.signRaw(key, new byte[0])).isEqualTo(expected);
        assertThat(SignedDigest.verify(publicKey, new byte[0], expected)).isTrue();
    }

    @Test
    void signIsRawSigningOfTheHeadsSignedBytes() {
        DigestSigner signer = new DigestSigner(Fixtures.KEY);
        TreeHead head = Fixtures.head();

        assertThat(signer.sign(head).signature()).isEqualTo(DigestSigner.signRaw(Fixtures.KEY, head.signedBytes(signer.publicKey())));
    }

    @Test
    void signingIsDeterministic() {
        DigestSigner signer = new DigestSigner(Fixtures.KEY);

        assertThat(signer.sign(Fixtures.head())).isEqualTo(signer.sign(Fixtures.head()));
    }

    @Test
    void concurrentSigningGivesTheSameSignaturesAsSequentialSigning() throws Exception {
        DigestSigner signer = new DigestSigner(Fixtures.KEY);
        List<TreeHead> heads = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            heads.add(new TreeHead(i, Fixtures.counting(i, 32), Fixtures.counting(-i, 32), Instant.ofEpochMilli(i)));
        }
        List<SignedDigest> sequential = heads.stream().map(signer::sign).toList();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<SignedDigest>> futures = new ArrayList<>();
            for (TreeHead head : heads) {
                futures.add(pool.submit(() -> signer.sign(head)));
            }
            for (int i = 0; i < heads.size(); i++) {
                assertThat(futures.get(i).get()).isEqualTo(sequential.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keyIdIsDerivedFromThePublicKeyWhichIsCopiedOut() {
        DigestSigner signer = new DigestSigner(Fixtures.KEY);
        signer.publicKey()[0] ^= 1;

        assertThat(signer.keyId()).isEqualTo(SignedDigest.keyIdOf(signer.publicKey()));
        assertThat(signer.publicKey()).isEqualTo(Fixtures.KEY.generatePublicKey().getEncoded());
    }
}
