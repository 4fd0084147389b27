package io.ledgerjdbc.ledger.digest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DigestJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DigestSigner SIGNER = new DigestSigner(Fixtures.KEY);
    private static final SignedDigest DIGEST = SIGNER.sign(Fixtures.head());
    private static final Base64.Encoder B64 = Base64.getEncoder();

    @TempDir
    Path dir;

    @Test
    void jsonLineRoundTripsToAnEqualDigestThatStillVerifies() throws Exception {
        SignedDigest parsed = DigestJson.fromJsonLine(DigestJson.toJsonLine(DIGEST));

        assertThat(parsed).isEqualTo(DIGEST);
        assertThat(parsed.signatureValid()).isTrue();
    }

    @Test
    void jsonLineIsOneLineWithTheDocumentedFieldsInOrder() {
        String expected = "{\"treeSize\":42"
                + ",\"rootHash\":\"" + B64.encodeToString(DIGEST.head().rootHash()) + "\""
                + ",\"chainHash\":\"" + B64.encodeToString(DIGEST.head().chainHash()) + "\""
                + ",\"timestamp\":\"2026-11-24T20:55:45.123Z\""
                + ",\"keyId\":\"" + DIGEST.keyId() + "\""
                + ",\"publicKey\":\"" + B64.encodeToString(DIGEST.publicKey()) + "\""
                + ",\"signature\":\"" + B64.encodeToString(DIGEST.signature()) + "\"}";

        assertThat(DigestJson.toJsonLine(DIGEST)).isEqualTo(expected).doesNotContain("\n", "\r");
    }

    @Test
    void timestampAlwaysHasExactlyThreeFractionalDigits() throws Exception {
        for (String time : new String[] {"2026-11-24T20:55:45.000Z", "2026-11-24T20:55:45.100Z", "1969-12-31T23:59:59.999Z"}) {
            SignedDigest digest = SIGNER.sign(new TreeHead(0, new byte[32], new byte[32], Instant.parse(time)));
            String line = DigestJson.toJsonLine(digest);

            assertThat(line).contains("\"timestamp\":\"" + time + "\"");
            assertThat(DigestJson.fromJsonLine(line)).isEqualTo(digest);
        }
    }

    @Test
    void extremeSizesAndTimestampsRoundTrip() throws Exception {
        for (TreeHead head : new TreeHead[] {
                new TreeHead(0, new byte[32], new byte[32], Instant.ofEpochMilli(Long.MIN_VALUE)),
                new TreeHead(Long.MAX_VALUE, new byte[32], new byte[32], Instant.ofEpochMilli(Long.MAX_VALUE))}) {
            SignedDigest digest = SIGNER.sign(head);

            assertThat(DigestJson.fromJsonLine(DigestJson.toJsonLine(digest))).isEqualTo(digest);
        }
    }

    static Stream<Arguments> malformed() {
        String otherKeyId = new DigestSigner(Fixtures.OTHER_KEY).keyId();
        return Stream.of(
                object("missing treeSize", "treeSize", n -> n.remove("treeSize")),
                object("missing rootHash", "rootHash", n -> n.remove("rootHash")),
                object("missing chainHash", "chainHash", n -> n.remove("chainHash")),
                object("missing timestamp", "timestamp", n -> n.remove("timestamp")),
                object("missing keyId", "keyId", n -> n.remove("keyId")),
                object("missing publicKey", "publicKey", n -> n.remove("publicKey")),
                object("missing signature", "signature", n -> n.remove("signature")),
                object("extra field", "comment", n -> n.put("comment", "hi")),
                object("negative treeSize", "treeSize", n -> n.put("treeSize", -1)),
                object("fractional treeSize", "treeSize", n -> n.put("treeSize", 1.5)),
                object("treeSize as string", "treeSize", n -> n.put("treeSize", "42")),
                object("treeSize beyond a long", "treeSize", n -> n.put("treeSize", new BigInteger("18446744073709551616"))),
                object("short rootHash", "rootHash", n -> n.put("rootHash", B64.encodeToString(new byte[31]))),
                object("long chainHash", "chainHash", n -> n.put("chainHash", B64.encodeToString(new byte[33]))),
                object("short publicKey", "publicKey", n -> n.put("publicKey", B64.encodeToString(new byte[31]))),
                object("short signature", "signature", n -> n.put("signature", B64.encodeToString(new byte[63]))),
                object("bad base64", "rootHash", n -> n.put("rootHash", "!!not*base64!!")),
                object("unpadded base64", "publicKey", n -> n.put("publicKey", n.get("publicKey").textValue().replace("=", ""))),
                object("url-safe base64", "signature", n -> n.put("signature", B64.encodeToString(new byte[64]).replace('A', '_'))),
                object("hash as number", "chainHash", n -> n.put("chainHash", 7)),
                object("keyId of another key", "keyId", n -> n.put("keyId", otherKeyId)),
                object("keyId in uppercase", "keyId", n -> n.put("keyId", n.get("keyId").textValue().toUpperCase())),
                object("timestamp with offset", "timestamp", n -> n.put("timestamp", "2026-11-24T21:55:45.123+01:00")),
                object("timestamp without millis", "timestamp", n -> n.put("timestamp", "2026-11-24T20:55:45Z")),
                object("timestamp with micros", "timestamp", n -> n.put("timestamp", "2026-11-24T20:55:45.123000Z")),
                object("timestamp without zone", "timestamp", n -> n.put("timestamp", "2026-11-24T20:55:45.123")),
                object("garbage timestamp", "timestamp", n -> n.put("timestamp", "yesterday")),
                object("timestamp as epoch millis", "timestamp", n -> n.put("timestamp", 1795726545123L)),
                object("timestamp beyond epoch millis", "timestamp", n -> n.put("timestamp", "+999999999-01-01T00:00:00.000Z")),
                Arguments.of("duplicate field", "treeSize", DigestJson.toJsonLine(DIGEST).replace("{", "{\"treeSize\":1,")),
                Arguments.of("trailing content", "JSON", DigestJson.toJsonLine(DIGEST) + " {}"),
                Arguments.of("array", "JSON object", "[]"),
                Arguments.of("empty line", "JSON object", ""),
                Arguments.of("truncated", "JSON", DigestJson.toJsonLine(DIGEST).substring(0, 40)));
    }

    private static Arguments object(String name, String field, Consumer<ObjectNode> mutation) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(DigestJson.toJsonLine(DIGEST));
            mutation.accept(node);
            return Arguments.of(name, field, JSON.writeValueAsString(node));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void strictParsingRejectsMalformedLinesNamingTheProblem(String name, String named, String line) {
        assertThatThrownBy(() -> DigestJson.fromJsonLine(line))
                .isInstanceOf(DigestFormatException.class)
                .hasMessageContaining(named);
    }

    @Test
    void parsingDoesNotCheckTheSignature() throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(DigestJson.toJsonLine(DIGEST));
        node.put("treeSize", 43);

        SignedDigest parsed = DigestJson.fromJsonLine(JSON.writeValueAsString(node));

        assertThat(parsed.head().treeSize()).isEqualTo(43);
        assertThat(parsed.signatureValid()).isFalse();
    }

    @Test
    void appendingTwiceThenReadingReturnsBothInOrder() throws Exception {
        Path file = dir.resolve("digests.jsonl");
        assertThat(file).doesNotExist();
        SignedDigest second = SIGNER.sign(new TreeHead(43, new byte[32], new byte[32], Fixtures.TIME.plusSeconds(1)));

        DigestJson.appendJsonLine(file, DIGEST);
        DigestJson.appendJsonLine(file, second);

        assertThat(DigestJson.readJsonLines(file)).containsExactly(DIGEST, second);
        assertThat(Files.readString(file, UTF_8))
                .isEqualTo(DigestJson.toJsonLine(DIGEST) + "\n" + DigestJson.toJsonLine(second) + "\n");
    }

    @Test
    void readingSkipsBlankLinesAndNamesTheFileAndLineOfAMalformedOne() throws Exception {
        Path file = dir.resolve("digests.jsonl");
        String good = DigestJson.toJsonLine(DIGEST);
        Files.writeString(file, good + "\n\n   \n" + good + "\n" + good.replace("\"keyId\"", "\"keyID\"") + "\n");

        assertThatThrownBy(() -> DigestJson.readJsonLines(file))
                .isInstanceOf(DigestFormatException.class)
                .hasMessageStartingWith(file + " line 5: ")
                .hasMessageContaining("keyID");

        Files.writeString(file, "\n" + good + "\n\n" + good);
        assertThat(DigestJson.readJsonLines(file)).containsExactly(DIGEST, DIGEST);
    }

    @Test
    void appendRefusesToGlueOntoATornLastLine() throws Exception {
        Path file = dir.resolve("torn.jsonl");
        String good = DigestJson.toJsonLine(DIGEST);
        Files.writeString(file, good + "\n" + good.substring(0, 30));

        assertThatThrownBy(() -> DigestJson.appendJsonLine(file, DIGEST))
                .hasMessageContaining(file.toString()).hasMessageContaining("does not end with a newline");
        assertThat(Files.readString(file)).isEqualTo(good + "\n" + good.substring(0, 30));
        assertThatThrownBy(() -> DigestJson.readJsonLines(file)).hasMessageContaining("line 2");
    }

    @Test
    void appendToAnEmptyExistingFileWorks() throws Exception {
        Path file = Files.createFile(dir.resolve("empty.jsonl"));

        DigestJson.appendJsonLine(file, DIGEST);

        assertThat(DigestJson.readJsonLines(file)).containsExactly(DIGEST);
    }
}
