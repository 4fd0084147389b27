package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;

/**
 * A proof that one entry is in the ledger: everything a third party needs, with no database. The entry's
 * canonical bytes (from which the verifier recomputes the leaf hash), the tree size and root, the audit path
 * (RFC 9162 §2.1.3), and, when one was stored for that size, the signed digest of that root. Hashes and bytes
 * are base64 like in digests; {@code decoded} is the entry for people and is not trusted by the verifier.
 */
record ProofDocument(long seq, byte[] entry, byte[] leafHash, long treeSize, byte[] rootHash, List<byte[]> path,
                     SignedDigest digest) {

    static final String FORMAT = "ledgerjdbc-inclusion-proof-v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    void write(JsonGenerator g) throws IOException {
        Base64.Encoder b64 = Base64.getEncoder();
        g.writeStartObject();
        g.writeStringField("format", FORMAT);
        g.writeNumberField("seq", seq);
        g.writeNumberField("treeSize", treeSize);
        g.writeStringField("leafHash", b64.encodeToString(leafHash));
        g.writeStringField("rootHash", b64.encodeToString(rootHash));
        g.writeArrayFieldStart("path");
        for (byte[] h : path) {
            g.writeString(b64.encodeToString(h));
        }
        g.writeEndArray();
        g.writeStringField("entry", b64.encodeToString(entry));
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

    /** Reads a proof file; an IOException names what is wrong with it. */
    static ProofDocument read(Path file) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IOException(file + " is not a JSON proof: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject() || !FORMAT.equals(n.path("format").asText())) {
            throw new IOException(file + " is not a " + FORMAT + " document (make one with the proof command)");
        }
        List<byte[]> path = new ArrayList<>();
        for (JsonNode h : n.path("path")) {
            path.add(hash(h, "path"));
        }
        SignedDigest digest = null;
        if (n.hasNonNull("digest")) {
            try {
                digest = DigestJson.fromJsonLine(n.get("digest").toString());
            } catch (DigestFormatException e) {
                throw new IOException(file + ": its digest is malformed: " + e.getMessage(), e);
            }
        }
        return new ProofDocument(number(n, "seq"), bytes(n.get("entry"), "entry"), hash(n.get("leafHash"), "leafHash"),
                number(n, "treeSize"), hash(n.get("rootHash"), "rootHash"), path, digest);
    }

    private static long number(JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IOException("proof field \"" + field + "\" must be an integer");
        }
        return v.longValue();
    }

    private static byte[] bytes(JsonNode v, String field) throws IOException {
        if (v == null || !v.isTextual()) {
            throw new IOException("proof field \"" + field + "\" must be base64 text");
        }
        try {
            return Base64.getDecoder().decode(v.asText());
        } catch (IllegalArgumentException e) {
            throw new IOException("proof field \"" + field + "\" is not base64: " + e.getMessage());
        }
    }

    private static byte[] hash(JsonNode v, String field) throws IOException {
        byte[] b = bytes(v, field);
        if (b.length != Hashes.SIZE) {
            throw new IOException("proof field \"" + field + "\" must hold " + Hashes.SIZE + " bytes, not " + b.length);
        }
        return b;
    }
}
