package io.ledgerjdbc.ledger.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryCodecLargeValueTest {

    @Test
    void entryWithSixteenMebibyteBytesAndEightMebibyteTextRoundTrips() {
        byte[] blob = new byte[16 << 20];
        new Random(1).nextBytes(blob);
        String pattern = "a\u00e9\u20ac\ud83d\ude00"; // 1 + 2 + 3 + 4 UTF-8 bytes
        int repeats = (8 << 20) / 10;
        String text = pattern.repeat(repeats) + "z".repeat((8 << 20) - 10 * repeats);
        assertThat(text.getBytes(StandardCharsets.UTF_8)).hasSize(8 << 20);

        LedgerEntry entry = new LedgerEntry(42, "node", Instant.parse("2024-01-01T00:00:00Z"), "tx", List.of(
                RowChange.insert("docs", Row.of("id", Value.of(1L)),
                        Row.of("id", Value.of(1L), "blob", Value.of(blob), "body", Value.of(text)))));

        byte[] encoded = EntryCodec.encode(entry);
        assertThat(encoded.length).isGreaterThan((16 << 20) + (8 << 20));
        LedgerEntry decoded = EntryCodec.decode(encoded);
        Row after = ((RowChange) decoded.changes().get(0)).after();
        assertThat(Arrays.equals(((Value.Bytes) after.get("blob")).value(), blob)).as("16 MiB bytes intact").isTrue();
        assertThat(((Value.Text) after.get("body")).value().equals(text)).as("8 MiB text intact").isTrue();
        assertThat(decoded.equals(entry)).as("decoded equals original").isTrue();
        assertThat(Arrays.equals(EntryCodec.encode(decoded), encoded)).as("re-encoding is identical").isTrue();

        assertThatThrownBy(() -> EntryCodec.decode(Arrays.copyOf(encoded, encoded.length - 1)))
                .isExactlyInstanceOf(MalformedEntryException.class).hasMessageContaining("truncated");
    }
}
