package io.ledgerjdbc.ledger.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HashesTest {

    @Test
    void aFailedHashNeverLeaksIntoTheNextOne() {
        byte[] before = Hashes.leaf(new byte[] {42});
        assertThatThrownBy(() -> Hashes.node(new byte[32], null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Hashes.chain(new byte[32], null)).isInstanceOf(NullPointerException.class);
        assertThat(Hashes.leaf(new byte[] {42})).isEqualTo(before);
    }

    @Test
    void prefixesSeparateLeavesFromNodes() {
        // RFC 6962 §2.1: the leaf of the empty string is SHA-256(0x00)
        assertThat(HexFormat.of().formatHex(Hashes.leaf(new byte[0])))
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        assertThat(Hashes.node(new byte[32], new byte[32])).isNotEqualTo(Hashes.leaf(new byte[64]));
    }
}
