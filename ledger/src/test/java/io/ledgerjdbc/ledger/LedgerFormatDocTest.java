package io.ledgerjdbc.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.DigestSigner;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.digest.TreeHead;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.merkle.MerkleFrontier;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * docs/ledger-format.md's worked example is true: every hex value in its {@code worked-example} block is
 * recomputed here from the two entries the document describes.
 */
class LedgerFormatDocTest {

    private static final HexFormat HEX = HexFormat.of();
    /** RFC 8032 §7.1 test 1 secret key: public, so anyone can reproduce the example's signature. */
    static final String RFC8032_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    static Map<String, String> computed() {
        Row key = Row.of("id", Value.of(1L));
        Row alice = Row.of("id", Value.of(1L), "owner", Value.of("alice"), "balance", Value.of(new BigDecimal("100.50")));
        Row alice2 = Row.of("id", Value.of(1L), "owner", Value.of("alice"), "balance", Value.of(new BigDecimal("75")));
        LedgerEntry e1 = new LedgerEntry(1, "A", Instant.parse("2026-01-01T00:00:00Z"), "t1",
                List.of(RowChange.insert("accounts", key, alice)));
        LedgerEntry e2 = new LedgerEntry(2, "A", Instant.parse("2026-01-01T00:00:01.5Z"), "t2",
                List.of(RowChange.update("accounts", key, alice, alice2),
                        new DdlChange("accounts_owner", "CREATE INDEX accounts_owner ON accounts (owner)")));
        byte[] b1 = EntryCodec.encode(e1);
        byte[] b2 = EntryCodec.encode(e2);
        byte[] leaf1 = Hashes.leaf(b1);
        byte[] leaf2 = Hashes.leaf(b2);
        byte[] chain1 = Hashes.chain(Hashes.GENESIS_CHAIN, leaf1);
        byte[] chain2 = Hashes.chain(chain1, leaf2);
        MerkleFrontier tree = new MerkleFrontier();
        byte[] nodes1 = tree.append(leaf1);
        byte[] root1 = tree.root();
        byte[] nodes2 = tree.append(leaf2);
        byte[] root2 = tree.root();

        DigestSigner signer = new DigestSigner(new Ed25519PrivateKeyParameters(HEX.parseHex(RFC8032_SECRET), 0));
        TreeHead head = new TreeHead(2, root2, chain2, Instant.parse("2026-01-01T00:00:02Z"));
        SignedDigest digest = signer.sign(head);

        Map<String, String> m = new LinkedHashMap<>();
        m.put("entry1", HEX.formatHex(b1));
        m.put("leaf1", HEX.formatHex(leaf1));
        m.put("chain1", HEX.formatHex(chain1));
        m.put("tree_nodes1", HEX.formatHex(nodes1));
        m.put("root1", HEX.formatHex(root1));
        m.put("entry2", HEX.formatHex(b2));
        m.put("leaf2", HEX.formatHex(leaf2));
        m.put("chain2", HEX.formatHex(chain2));
        m.put("tree_nodes2", HEX.formatHex(nodes2));
        m.put("root2", HEX.formatHex(root2));
        m.put("signed_bytes", HEX.formatHex(head.signedBytes(signer.publicKey())));
        m.put("key_id", digest.keyId());
        m.put("signature", HEX.formatHex(digest.signature()));
        m.put("digest_json", DigestJson.toJsonLine(digest));
        return m;
    }

    /** The name = value lines of the doc's worked-example block; long hex values may wrap onto indented lines. */
    static Map<String, String> documented() throws IOException {
        Path root = Path.of(System.getProperty("ledgerjdbc.root", ".."));
        List<String> lines = Files.readAllLines(root.resolve("docs/ledger-format.md"));
        Map<String, String> m = new LinkedHashMap<>();
        boolean inBlock = false;
        String last = null;
        for (String line : lines) {
            if (line.startsWith("```worked-example")) { inBlock = true; continue; }
            if (inBlock && line.startsWith("```")) break;
            if (!inBlock || line.isBlank()) continue;
            if (line.startsWith(" ") && last != null) {
                m.put(last, m.get(last) + line.strip());
            } else {
                int eq = line.indexOf(" = ");
                last = line.substring(0, eq).strip();
                m.put(last, line.substring(eq + 3).strip());
            }
        }
        m.replaceAll((k, v) -> v.equals("(empty)") ? "" : v);
        return m;
    }

    @Test
    void everyValueOfTheWorkedExampleIsRecomputedExactly() throws IOException {
        Map<String, String> computed = computed();
        if (Boolean.getBoolean("ledgerjdbc.printExample")) {
            computed.forEach((k, v) -> System.out.println(k + " = " + v));
        }
        assertThat(documented()).containsExactlyEntriesOf(computed);
    }
}
