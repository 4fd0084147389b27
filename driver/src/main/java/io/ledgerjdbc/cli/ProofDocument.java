package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerjdbc.driver.FileErrors;
import io.ledgerjdbc.ledger.digest.DigestFormatException;
import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.hash.Hashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A proof that one entry is in the ledger: everything a third party needs, with no database. The entry's
 * canonical bytes (from which the verifier recomputes the leaf hash), the tree size and root, the audit path
 * (RFC 9162 §2.1.3), and, when one was stored for that size, the signed digest of that root.
 *
 * <p>Version 2 (written) gives hashes and bytes in lowercase hex, as every other output of the tool; version 1
 * (still read) gave them in base64. The embedded {@code digest} is the signed digest line exactly as stored, in
 * the digest format (base64, see docs/ledger-format.md). {@code decoded} is the entry for people and is not
 * trusted by the verifier.
 */
record ProofDocument(long seq, byte[] entry, byte[] leafHash, long treeSize, byte[] rootHash, List<byte[]> path,
                     SignedDigest digest) {

    static final String FORMAT = "ledgerjdbc-inclusion-proof-v2";
    static final String FORMAT_V1 = "ledgerjdbc-inclusion-proof-v1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("format", FORMAT);
        g.writeNumberField("seq", seq);
        g.writeNumberField("treeSize", treeSize);
        g.writeStringField("leafHash", HEX.formatHex(leafHash));
        g.writeStringField("rootHash", HEX.formatHex(rootHash));
        g.writeArrayFieldStart("path");
        for (byte[] h : path) {
            g.writeString(HEX.formatHex(h));
        }
        g.writeEndArray();
        g.writeStringField("entry", HEX.formatHex(entry));
        if (digest != null) {
            g.writeFieldName("digest");
            g.writeRawValue(DigestJson.toJsonLine(digest));
        }
        g.writeFieldName("decoded");
        try {
            EntryFormat.entry(g, EntryCodec.decode(entry));
        } catch (RuntimeException malformed) {
            g.writeNull();
        }
        g.writeEndObject();
    }

    /** Reads a proof file (version 2, or version 1 with base64); a UserError names what is wrong with it. */
    static ProofDocument read(Path file) throws UserError {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UserError("cannot read the proof " + FileErrors.describe(e), e);
        }
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UserError(file + " is not a JSON proof: " + e.getOriginalMessage(), e);
        }
        String format = n == null ? "" : n.path("format").asText();
        if (n == null || !n.isObject() || !(FORMAT.equals(format) || FORMAT_V1.equals(format))) {
            throw new UserError(file + " is not a " + FORMAT + " document (make one with the proof command)");
        }
        boolean hex = FORMAT.equals(format);
        SignedDigest digest = null;
        if (n.hasNonNull("digest")) {
            try {
                digest = DigestJson.fromJsonLine(n.get("digest").toString());
            } catch (DigestFormatException e) {
                throw new UserError(file + ": its digest is malformed: " + e.getMessage(), e);
            }
        }
        try {
            List<byte[]> path = new ArrayList<>();
            for (JsonNode h : n.path("path")) {
                path.add(hash(h, "path", hex));
            }
            return new ProofDocument(number(n, "seq"), bytes(n.get("entry"), "entry", hex), hash(n.get("leafHash"), "leafHash", hex),
                    number(n, "treeSize"), hash(n.get("rootHash"), "rootHash", hex), path, digest);
        } catch (UserError e) {
            throw new UserError(file + ": " + e.getMessage(), e);
        }
    }

    private static long number(JsonNode n, String field) throws UserError {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new UserError("proof field \"" + field + "\" must be an integer");
        }
        return v.longValue();
    }

    private static byte[] bytes(JsonNode v, String field, boolean hex) throws UserError {
        String encoding = hex ? "hex" : "base64";
        if (v == null || !v.isTextual()) {
            throw new UserError("proof field \"" + field + "\" must be " + encoding + " text");
        }
        try {
            return hex ? HEX.parseHex(v.asText()) : Base64.getDecoder().decode(v.asText());
        } catch (IllegalArgumentException e) {
            throw new UserError("proof field \"" + field + "\" is not " + encoding + ": " + e.getMessage());
        }
    }

    private static byte[] hash(JsonNode v, String field, boolean hex) throws UserError {
        byte[] b = bytes(v, field, hex);
        if (b.length != Hashes.SIZE) {
            throw new UserError("proof field \"" + field + "\" must hold " + Hashes.SIZE + " bytes, not " + b.length);
        }
        return b;
    }
}
