package io.ledgerjdbc.ledger.digest;

import static io.ledgerjdbc.ledger.digest.Fixtures.counting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TreeHeadTest {

    private static final Instant TIME = Instant.ofEpochMilli(0x1122334455667788L);

    @Test
    void signedBytesAreDomainZeroSizeRootChainMillisAndKeyAtFixedOffsets() {
        byte[] root = counting(1, 32);
        byte[] chain = counting(101, 32);
        byte[] key = counting(201, 32);
        byte[] bytes = new TreeHead(0x0102030405060708L, root, chain, TIME).signedBytes(key);

        assertThat(bytes).hasSize(23 + 1 + 8 + 32 + 32 + 8 + 32);
        assertThat(Arrays.copyOfRange(bytes, 0, 23)).isEqualTo("LedgerJDBC tree head v1".getBytes(StandardCharsets.US_ASCII));
        assertThat(bytes[23]).isZero();
        assertThat(Arrays.copyOfRange(bytes, 24, 32)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(Arrays.copyOfRange(bytes, 32, 64)).isEqualTo(root);
        assertThat(Arrays.copyOfRange(bytes, 64, 96)).isEqualTo(chain);
        assertThat(Arrays.copyOfRange(bytes, 96, 104)).containsExactly(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88);
        assertThat(Arrays.copyOfRange(bytes, 104, 136)).isEqualTo(key);
    }

    @Test
    void signedBytesEncodeTheLargestTreeSizeAndPreEpochTimestampsBigEndian() {
        byte[] bytes = new TreeHead(Long.MAX_VALUE, new byte[32], new byte[32], Instant.ofEpochMilli(-1)).signedBytes(new byte[32]);

        assertThat(ByteBuffer.wrap(bytes, 24, 8).getLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(Arrays.copyOfRange(bytes, 96, 104)).containsOnly(0xff);
    }

    @Test
    void signedBytesRejectAPublicKeyThatIsNot32Bytes() {
        assertThatThrownBy(() -> Fixtures.head().signedBytes(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("publicKey must be 32 bytes, was 31");
    }

    @Test
    void constructorRejectsNegativeSizeWrongHashLengthsAndUnrepresentableTimestamps() {
        assertThatThrownBy(() -> new TreeHead(-1, new byte[32], new byte[32], TIME))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("treeSize must be >= 0, was -1");
        assertThatThrownBy(() -> new TreeHead(0, new byte[31], new byte[32], TIME))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rootHash must be 32 bytes, was 31");
        assertThatThrownBy(() -> new TreeHead(0, new byte[32], new byte[33], TIME))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("chainHash must be 32 bytes, was 33");
        assertThatThrownBy(() -> new TreeHead(0, new byte[32], new byte[32], Instant.MAX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit in epoch milliseconds");
        assertThatThrownBy(() -> new TreeHead(0, null, new byte[32], TIME))
                .isInstanceOf(NullPointerException.class).hasMessage("rootHash");
    }

    @Test
    void timestampIsTruncatedToMilliseconds() {
        TreeHead head = new TreeHead(0, new byte[32], new byte[32], Instant.ofEpochSecond(1_000, 123_456_789));

        assertThat(head.timestamp()).isEqualTo(Instant.ofEpochSecond(1_000, 123_000_000));
    }

    @Test
    void hashesAreCopiedInAndOut() {
        byte[] root = counting(1, 32);
        TreeHead head = new TreeHead(1, root, new byte[32], TIME);

        root[0] = 99;
        head.rootHash()[1] = 99;
        head.chainHash()[0] = 99;

        assertThat(head.rootHash()).isEqualTo(counting(1, 32));
        assertThat(head.chainHash()).isEqualTo(new byte[32]);
    }

    @Test
    void equalityAndHashCodeFollowArrayContentAndToStringShowsHex() {
        TreeHead a = new TreeHead(7, counting(1, 32), counting(2, 32), TIME);
        TreeHead b = new TreeHead(7, counting(1, 32), counting(2, 32), TIME);

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new TreeHead(7, counting(1, 32), counting(3, 32), TIME));
        assertThat(a.toString()).contains("treeSize=7", "rootHash=" + HexFormat.of().formatHex(counting(1, 32)));
    }
}
