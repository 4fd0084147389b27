package io.ledgerjdbc.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The public transparency-dev/merkle vectors, read from ../shared/test-vectors/rfc6962 (never copied in):
 * every case with wantErr=false must verify and every case with wantErr=true must be rejected.
 */
class Rfc6962VectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path vectors() {
        Path dir = Path.of(System.getProperty("ledgerjdbc.testVectors", "../../shared/test-vectors/rfc6962"));
        if (!Files.isDirectory(dir)) {
            // CI always has shared/ beside the clone: a missing folder there is a broken setup, not a skip.
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("RFC 6962 vectors missing at " + dir.toAbsolutePath());
            }
            Assumptions.abort("RFC 6962 vectors not found at " + dir.toAbsolutePath());
        }
        return dir;
    }

    private static List<Path> cases(String kind) throws IOException {
        try (Stream<Path> files = Files.walk(vectors().resolve(kind))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static byte[] b64(JsonNode n) {
        return n == null || n.isNull() ? null : Base64.getDecoder().decode(n.asText());
    }

    private static List<byte[]> proof(JsonNode n) {
        List<byte[]> out = new ArrayList<>();
        if (n != null && !n.isNull()) n.forEach(e -> out.add(b64(e)));
        return out;
    }

    @TestFactory
    Stream<DynamicTest> inclusionVectors() throws IOException {
        List<Path> files = cases("inclusion");
        Assumptions.assumeTrue(files.size() > 50, "expected the full inclusion vector set");
        return files.stream().map(file -> DynamicTest.dynamicTest(vectors().relativize(file).toString(), () -> {
            JsonNode c = JSON.readTree(file.toFile());
            var check = assertThatCode(() -> MerkleVerifier.verifyInclusion(c.get("leafIdx").asLong(),
                    c.get("treeSize").asLong(), b64(c.get("leafHash")), proof(c.get("proof")), b64(c.get("root"))));
            if (c.get("wantErr").asBoolean()) check.isInstanceOf(InvalidProofException.class);
            else check.doesNotThrowAnyException();
        }));
    }

    @TestFactory
    Stream<DynamicTest> consistencyVectors() throws IOException {
        List<Path> files = cases("consistency");
        Assumptions.assumeTrue(files.size() > 50, "expected the full consistency vector set");
        return files.stream().map(file -> DynamicTest.dynamicTest(vectors().relativize(file).toString(), () -> {
            JsonNode c = JSON.readTree(file.toFile());
            var check = assertThatCode(() -> MerkleVerifier.verifyConsistency(c.get("size1").asLong(),
                    c.get("size2").asLong(), b64(c.get("root1")), b64(c.get("root2")), proof(c.get("proof"))));
            if (c.get("wantErr").asBoolean()) check.isInstanceOf(InvalidProofException.class);
            else check.doesNotThrowAnyException();
        }));
    }
}
