package io.ledgerjdbc.ledger.verify;

import io.ledgerjdbc.ledger.digest.DigestFormatException;
import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.entry.EncodedEntry;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.MalformedEntryException;
import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.merkle.MerkleFrontier;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.ReadAheadScan;
import io.ledgerjdbc.ledger.store.StoredEntry;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Checks a stored ledger in one streaming pass: every entry decodes and carries its own seq, seqs are dense,
 * every stored leaf, chain and Merkle node hash is recomputed from the entry bytes, and every digest (stored
 * in the ledger or given from outside) is validly signed and matches the recomputed root and chain at its
 * size. Memory is flat: the pass holds a few pages of rows and an O(log n) Merkle frontier. The pages are read
 * on a second thread ({@link ReadAheadScan}) while this one checks them; the visitor runs on this thread and
 * must not use the connection.
 *
 * <p>Findings are local, so one edit yields findings at the place it was made, not an avalanche: each chain
 * hash is checked against the stored one before it. Digests are checked against the chain recomputed from
 * genesis. After a gap the tree can no longer be recomputed; the Merkle and digest checks stop there (the
 * gap itself is the finding).
 */
public final class LedgerVerifier {

    // Stored hashes are compared with Arrays.equals, not MessageDigest.isEqual: they are public (anyone who can
    // read the ledger reads them), so there is no secret for a timing side channel to leak, and it is faster.

    private static final HexFormat HEX = HexFormat.of();

    private final LedgerStore store;

    public LedgerVerifier(LedgerStore store) {
        this.store = store;
    }

    public VerifyReport verify(Connection c, VerifyOptions options, Consumer<Finding> sink) throws SQLException {
        long started = System.nanoTime();
        LedgerSchema.checkVersion(c);
        Pass pass = new Pass(c, options, sink);
        pass.loadDigests(store.readDigestLines(c), options.externalDigests());
        pass.checkSeqRange();
        pass.start();
        pass.scan.scan(c, options.fromSeq(), pass::visit);
        pass.finish();
        return new VerifyReport(pass.expectedSeq - 1, pass.frontier.root(), pass.trueChain, pass.digestsChecked,
                pass.findings, Duration.ofNanos(System.nanoTime() - started));
    }

    /** The state of one verification pass. */
    private final class Pass {
        private final Connection c;
        private final VerifyOptions options;
        private final Consumer<Finding> sink;
        private final Deque<Pending> digests = new ArrayDeque<>();
        private MerkleFrontier frontier;
        private byte[] storedChain;
        /** The chain recomputed from genesis (or from the trusted start); equal to storedChain until a chain finding. */
        private byte[] trueChain;
        private boolean chainsAgree = true;
        private long expectedSeq;
        private boolean treeBroken;
        private long findings;
        private int digestsChecked;
        /** Reads the ledger on a second thread while this one checks it. */
        private final ReadAheadScan scan = new ReadAheadScan();
        /** Reused for every entry: validating into it allocates nothing per entry. */
        private final EncodedEntry encoded = new EncodedEntry();

        Pass(Connection c, VerifyOptions options, Consumer<Finding> sink) {
            this.c = c;
            this.options = options;
            this.sink = sink;
        }

        void report(Finding f) {
            findings++;
            sink.accept(f);
        }

        void loadDigests(List<String> storedLines, List<SignedDigest> external) {
            List<Pending> all = new ArrayList<>();
            for (String line : storedLines) {
                try {
                    all.add(new Pending(DigestJson.fromJsonLine(line), "stored"));
                } catch (DigestFormatException | RuntimeException e) {
                    report(new Finding(FindingKind.DIGEST_MALFORMED, null, null, null, null, null,
                            "stored digest cannot be read: " + e.getMessage()));
                }
            }
            external.forEach(d -> all.add(new Pending(d, "external")));
            all.sort(Comparator.comparingLong(p -> p.digest.head().treeSize()));
            for (Pending p : all) {
                if (checkSignature(p)) {
                    digests.add(p);
                }
            }
        }

        private boolean checkSignature(Pending p) {
            long size = p.digest.head().treeSize();
            if (!p.digest.signatureValid()) {
                report(Finding.atSeq(FindingKind.DIGEST_SIGNATURE_INVALID, size, null, null,
                        p.source + " digest at size " + size + " signed by " + p.digest.keyId() + " has an invalid signature"));
                return false;
            }
            if (!options.trustedKeyIds().isEmpty() && !options.trustedKeyIds().contains(p.digest.keyId())) {
                report(Finding.atSeq(FindingKind.DIGEST_UNTRUSTED_KEY, size, String.join("|", options.trustedKeyIds()),
                        p.digest.keyId(), p.source + " digest at size " + size + " is signed by an untrusted key"));
            }
            return true;
        }

        void checkSeqRange() throws SQLException {
            long below = store.countBelowFirstSeq(c);
            if (below > 0) {
                report(new Finding(FindingKind.SEQ_OUT_OF_RANGE, null, null, null, "0", Long.toString(below),
                        below + " row" + (below == 1 ? "" : "s") + " with seq < 1 in ledger_entry"));
            }
        }

        void start() throws SQLException {
            long before = options.fromSeq() - 1;
            if (before == 0) {
                frontier = new MerkleFrontier();
                storedChain = Hashes.GENESIS_CHAIN;
            } else {
                StoredEntry prev = store.readEntry(c, before);
                frontier = storedFrontier(before);
                if (prev == null || frontier == null || prev.chainHash() == null || prev.chainHash().length != Hashes.SIZE) {
                    throw new SQLException("cannot start verification at seq " + options.fromSeq() + ": the stored chain hash or "
                            + "Merkle nodes of the entries before it are missing or damaged; verify from an earlier seq");
                }
                storedChain = prev.chainHash();
            }
            trueChain = storedChain;
            expectedSeq = options.fromSeq();
            while (!digests.isEmpty() && digests.peek().digest.head().treeSize() < before) {
                digests.poll(); // before the starting point: this pass cannot recompute that root
            }
            checkDigestsAt(before);
        }

        void visit(StoredEntry row) {
            long seq = row.seq();
            byte[] bytes = row.entry() == null ? new byte[0] : row.entry();
            decodeAndVisit(seq, bytes);
            byte[] leaf = Hashes.leaf(bytes);
            if (!Arrays.equals(leaf, row.leafHash())) {
                report(Finding.atSeq(FindingKind.LEAF_HASH_MISMATCH, seq, hex(leaf), hex(row.leafHash()),
                        "entry bytes do not hash to the stored leaf hash"));
            }
            if (seq != expectedSeq) {
                report(Finding.atSeq(FindingKind.SEQ_GAP, expectedSeq, Long.toString(expectedSeq), Long.toString(seq),
                        (seq - expectedSeq) + " entr" + (seq - expectedSeq == 1 ? "y" : "ies") + " missing before seq " + seq));
                resumeAfterGap(row);
            } else {
                checkChainAndTree(row, leaf);
            }
            expectedSeq = seq + 1;
        }

        private void checkChainAndTree(StoredEntry row, byte[] leaf) {
            long seq = row.seq();
            byte[] chain = Hashes.chain(storedChain, leaf);
            trueChain = chainsAgree ? chain : Hashes.chain(trueChain, leaf);
            if (!Arrays.equals(chain, row.chainHash())) {
                report(Finding.atSeq(FindingKind.CHAIN_HASH_MISMATCH, seq, hex(chain), hex(row.chainHash()),
                        "chain hash does not follow from the previous entry's"));
                chainsAgree = false;
            }
            storedChain = isHash(row.chainHash()) ? row.chainHash() : chain;
            if (!treeBroken) {
                byte[] completed = frontier.append(leaf);
                if (!Arrays.equals(completed, row.treeNodes() == null ? new byte[0] : row.treeNodes())) {
                    report(Finding.atSeq(FindingKind.TREE_NODES_MISMATCH, seq, hex(completed), hex(row.treeNodes()),
                            "stored Merkle nodes are not the ones this leaf completes"));
                }
                checkDigestsAt(seq);
            }
        }

        /**
         * After missing entries neither the chain nor the tree can be recomputed across the gap. Resume from what
         * is stored at the first row after it (its chain hash, and the Merkle frontier its nodes and earlier
         * ones give), so tampering further on is still caught relative to that point. Digests that end inside
         * the gap cannot be checked and are reported as such.
         */
        private void resumeAfterGap(StoredEntry row) {
            long seq = row.seq();
            MerkleFrontier resumed = storedFrontier(seq);
            treeBroken = resumed == null;
            if (resumed != null) {
                frontier = resumed;
            }
            storedChain = isHash(row.chainHash()) ? row.chainHash() : storedChain;
            trueChain = storedChain;
            chainsAgree = true;
            while (!digests.isEmpty() && digests.peek().digest.head().treeSize() < seq) {
                unchecked(digests.poll());
            }
            if (!treeBroken) {
                checkDigestsAt(seq);
            }
        }

        /** The frontier at {@code size} from stored nodes, or null if they are missing or damaged. */
        private MerkleFrontier storedFrontier(long size) {
            scan.connectionGuard().lock(); // the scan's reader uses the same connection
            try {
                return MerkleFrontier.of(size, store.readNodes(c, MerkleFrontier.nodesFor(size)));
            } catch (SQLException | RuntimeException e) {
                return null;
            } finally {
                scan.connectionGuard().unlock();
            }
        }

        private void unchecked(Pending p) {
            long size = p.digest.head().treeSize();
            report(Finding.atSeq(FindingKind.DIGEST_UNCHECKED, size, null, null,
                    p.source + " digest at size " + size + " cannot be checked: entries it covers are missing"));
        }

        /**
         * Checks that the entry decodes and names its own seq, then shows it to the visitor: as validated bytes
         * when the visitor reads those (or there is none), else decoded.
         */
        private void decodeAndVisit(long seq, byte[] bytes) {
            try {
                long entrySeq;
                LedgerEntry entry = null;
                if (options.visitor() == null || options.visitor() instanceof EncodedEntryVisitor) {
                    EntryCodec.validate(bytes, encoded);
                    entrySeq = encoded.seq();
                } else {
                    entry = EntryCodec.decode(bytes);
                    entrySeq = entry.seq();
                }
                if (entrySeq != seq) {
                    report(Finding.atSeq(FindingKind.SEQ_MISMATCH, seq, Long.toString(seq), Long.toString(entrySeq),
                            "the entry stored at seq " + seq + " says it is entry " + entrySeq));
                } else if (entry != null) {
                    options.visitor().visit(entry);
                } else if (options.visitor() != null) {
                    ((EncodedEntryVisitor) options.visitor()).visit(encoded);
                }
            } catch (MalformedEntryException e) {
                report(Finding.atSeq(FindingKind.ENTRY_MALFORMED, seq, null, null, e.getMessage()));
            } catch (RuntimeException e) {
                // the decoder's contract is MalformedEntryException only; anything else is still a bad entry, not a crash
                report(Finding.atSeq(FindingKind.ENTRY_MALFORMED, seq, null, null, "entry cannot be decoded: " + e));
            }
        }

        private void checkDigestsAt(long size) {
            while (!digests.isEmpty() && digests.peek().digest.head().treeSize() == size) {
                Pending p = digests.poll();
                digestsChecked++;
                byte[] root = frontier.root();
                boolean rootOk = MessageDigest.isEqual(root, p.digest.head().rootHash());
                boolean chainOk = MessageDigest.isEqual(trueChain, p.digest.head().chainHash());
                if (!rootOk || !chainOk) {
                    report(Finding.atSeq(FindingKind.DIGEST_MISMATCH, size,
                            "root " + hex(p.digest.head().rootHash()) + " chain " + hex(p.digest.head().chainHash()),
                            "root " + hex(root) + " chain " + hex(trueChain),
                            p.source + " digest signed by " + p.digest.keyId() + " does not match the ledger at size " + size
                                    + (rootOk ? " (chain differs)" : chainOk ? " (root differs)" : " (root and chain differ)")));
                }
            }
        }

        void finish() {
            long size = expectedSeq - 1;
            for (Pending p : digests) {
                if (p.digest.head().treeSize() > size) {
                    report(Finding.atSeq(FindingKind.DIGEST_BEYOND_LEDGER, p.digest.head().treeSize(),
                            Long.toString(p.digest.head().treeSize()), Long.toString(size),
                            p.source + " digest covers " + p.digest.head().treeSize() + " entries but the ledger has " + size
                                    + ": entries were removed from its end"));
                } else {
                    unchecked(p);
                }
            }
        }
    }

    private record Pending(SignedDigest digest, String source) {
    }

    private static boolean isHash(byte[] b) {
        return b != null && b.length == Hashes.SIZE;
    }

    private static String hex(byte[] b) {
        return b == null ? "NULL" : HEX.formatHex(b);
    }
}
