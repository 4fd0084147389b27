package io.ledgerjdbc.ledger.digest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerjdbc.ledger.hash.Hashes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * Signed digests as JSON Lines, one digest per line, fields always in this order:
 * <pre>
 * {"treeSize":N,"rootHash":"&lt;base64&gt;","chainHash":"&lt;base64&gt;","timestamp":"2026-11-24T20:55:45.123Z",
 *  "keyId":"&lt;16 hex&gt;","publicKey":"&lt;base64&gt;","signature":"&lt;base64&gt;"}
 * </pre>
 * Binary fields are standard base64 with padding; the timestamp is UTC with exactly three fractional digits.
 * Parsing is strict and accepts only that canonical form, so a digest file has exactly one spelling per digest.
 */
public final class DigestJson {

    private static final String TREE_SIZE = "treeSize";
    private static final String ROOT_HASH = "rootHash";
    private static final String CHAIN_HASH = "chainHash";
    private static final String TIMESTAMP = "timestamp";
    private static final String KEY_ID = "keyId";
    private static final String PUBLIC_KEY = "publicKey";
    private static final String SIGNATURE = "signature";
    private static final List<String> FIELDS = List.of(TREE_SIZE, ROOT_HASH, CHAIN_HASH, TIMESTAMP, KEY_ID, PUBLIC_KEY, SIGNATURE);

    // Duplicate keys and trailing content would let two different texts mean "the same" digest; reject both.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Always three fractional digits (ISO_INSTANT drops trailing zero groups, e.g. ".100" would become ".1"). */
    private static final DateTimeFormatter TIMESTAMP_FORMAT = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    private DigestJson() {
    }

    /** The digest as one line of JSON, without a line terminator. */
    public static String toJsonLine(SignedDigest digest) {
        TreeHead head = digest.head();
        ObjectNode node = JSON.createObjectNode(); // keeps insertion order, which is the documented field order
        node.put(TREE_SIZE, head.treeSize());
        node.put(ROOT_HASH, base64(head.rootHash()));
        node.put(CHAIN_HASH, base64(head.chainHash()));
        node.put(TIMESTAMP, TIMESTAMP_FORMAT.format(head.timestamp()));
        node.put(KEY_ID, digest.keyId());
        node.put(PUBLIC_KEY, base64(digest.publicKey()));
        node.put(SIGNATURE, base64(digest.signature()));
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a tree of strings and a number", e);
        }
    }

    /**
     * Parses one line written by {@link #toJsonLine}. Does not check the signature: that is the caller's
     * decision, via {@link SignedDigest#signatureValid()}.
     *
     * @throws DigestFormatException if the text is not a JSON object, a field is missing, unknown, duplicated or
     *                               of the wrong type or length, a base64 or timestamp value is not canonical,
     *                               or {@code keyId} does not match {@code publicKey}
     */
    public static SignedDigest fromJsonLine(String line) throws DigestFormatException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DigestFormatException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new DigestFormatException("not a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new DigestFormatException("unknown field \"" + name + "\"");
            }
        }
        JsonNode treeSize = field(node, TREE_SIZE);
        if (!treeSize.isIntegralNumber() || !treeSize.canConvertToLong() || treeSize.longValue() < 0) {
            throw new DigestFormatException("field \"treeSize\" must be an integer in [0, 2^63), was " + treeSize);
        }
        TreeHead head = new TreeHead(treeSize.longValue(),
                bytes(node, ROOT_HASH, Hashes.SIZE),
                bytes(node, CHAIN_HASH, Hashes.SIZE),
                timestamp(node));
        byte[] publicKey = bytes(node, PUBLIC_KEY, SignedDigest.PUBLIC_KEY_SIZE);
        String keyId = text(node, KEY_ID);
        if (!keyId.equals(SignedDigest.keyIdOf(publicKey))) {
            throw new DigestFormatException("field \"keyId\" is " + keyId + " but publicKey's key id is " + SignedDigest.keyIdOf(publicKey));
        }
        return new SignedDigest(head, keyId, publicKey, bytes(node, SIGNATURE, SignedDigest.SIGNATURE_SIZE));
    }

    /**
     * Every digest in a JSON Lines file, in file order; blank lines are skipped.
     *
     * @throws DigestFormatException naming the file and 1-based line number of the first malformed line (a
     *                               torn final line after a crash is reported, never silently dropped)
     */
    public static List<SignedDigest> readJsonLines(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, UTF_8);
        List<SignedDigest> digests = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                digests.add(fromJsonLine(line));
            } catch (DigestFormatException e) {
                throw new DigestFormatException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return digests;
    }

    /**
     * Appends the digest and a {@code '\n'} to {@code file}, creating it if missing, and forces it to disk before
     * returning, so a digest that was reported as written survives a crash.
     *
     * @throws IOException if the file does not end with a newline: its last line was torn (e.g. by a crash), and
     *                     appending would glue this digest onto it; the file needs repair first
     */
    public static void appendJsonLine(Path file, SignedDigest digest) throws IOException {
        ByteBuffer line = ByteBuffer.wrap((toJsonLine(digest) + "\n").getBytes(UTF_8));
        boolean created = !Files.exists(file);
        if (!created) {
            requireCompleteLastLine(file);
        }
        // APPEND: each write goes to the end of file even if another process appended meanwhile.
        try (FileChannel channel = FileChannel.open(file, CREATE, WRITE, APPEND)) {
            while (line.hasRemaining()) {
                channel.write(line);
            }
            channel.force(true);
        }
        if (created) {
            forceDirectory(file.toAbsolutePath().getParent());
        }
    }

    private static void requireCompleteLastLine(Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            if (size == 0) {
                return;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.position(size - 1).read(last);
            if (last.get(0) != '\n') {
                throw new IOException(file + " does not end with a newline (torn last line?); refusing to append until it is repaired");
            }
        }
    }

    /** A new file is only durable once its directory entry is; file systems that cannot sync directories are skipped. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory as a channel; there the file's own force is the best available.
        }
    }

    private static JsonNode field(JsonNode node, String name) throws DigestFormatException {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new DigestFormatException("missing field \"" + name + "\"");
        }
        return value;
    }

    private static String text(JsonNode node, String name) throws DigestFormatException {
        JsonNode value = field(node, name);
        if (!value.isTextual()) {
            throw new DigestFormatException("field \"" + name + "\" must be a string, was " + value);
        }
        return value.textValue();
    }

    private static byte[] bytes(JsonNode node, String name, int length) throws DigestFormatException {
        String text = text(node, name);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new DigestFormatException("field \"" + name + "\" is not base64: " + e.getMessage(), e);
        }
        // The decoder tolerates missing padding and stray low bits; only the canonical spelling is accepted.
        if (!base64(bytes).equals(text)) {
            throw new DigestFormatException("field \"" + name + "\" is not canonical padded base64");
        }
        if (bytes.length != length) {
            throw new DigestFormatException("field \"" + name + "\" must be " + length + " bytes, was " + bytes.length);
        }
        return bytes;
    }

    private static Instant timestamp(JsonNode node) throws DigestFormatException {
        String text = text(node, TIMESTAMP);
        try {
            Instant instant = Instant.parse(text);
            instant.toEpochMilli(); // Instant reaches further than a long of milliseconds, which is what is signed
            // Instant.parse also accepts offsets other than Z and any number of fractional digits.
            if (TIMESTAMP_FORMAT.format(instant).equals(text)) {
                return instant;
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            // fall through to the one message below
        }
        throw new DigestFormatException("field \"timestamp\" must be UTC with millisecond precision like 2026-11-24T20:55:45.123Z, was " + text);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
