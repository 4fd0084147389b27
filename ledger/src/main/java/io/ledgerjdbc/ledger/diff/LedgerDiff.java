package io.ledgerjdbc.ledger.diff;

import io.ledgerjdbc.ledger.merkle.NodeId;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.StoredEntry;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Compares the ledgers of two databases without scanning them: equal, one a prefix of the other, or diverged
 * at a first seq found by descending the Merkle tree. Over the common size {@code m}, the tree's left subtree
 * is a perfect node stored in one row: if the two ledgers' left nodes are equal the first difference is to the
 * right, otherwise inside it; halving like this reaches the first differing leaf after about log2(m) steps, each
 * reading one row per side. So two 1M-entry ledgers are compared with some forty row reads.
 *
 * <p>It trusts the stored hashes (it compares what each database says its tree is); {@code verify} is what
 * checks those hashes against the entries.
 */
public final class LedgerDiff {

    /** How two ledgers relate. */
    public enum Relation {
        /** Same size, same entries. */
        EQUAL,
        /** The shorter one is a prefix of the longer one: it is {@link Result#behind()} entries behind. */
        PREFIX,
        /** They differ at {@link Result#firstDivergentSeq()}. */
        DIVERGED
    }

    /**
     * @param firstDivergentSeq the first seq whose entries differ, or 0 unless {@link Relation#DIVERGED}
     * @param rowsRead          ledger rows read on both sides together (sizes, tree nodes, the divergent entries)
     * @param entryA            the entry at the divergent seq in the first ledger, or null
     * @param entryB            the same in the second ledger, or null
     */
    public record Result(Relation relation, long sizeA, long sizeB, long firstDivergentSeq, long rowsRead,
                         StoredEntry entryA, StoredEntry entryB) {

        /** How many entries the shorter ledger lacks (0 when equal). */
        public long behind() {
            return Math.abs(sizeA - sizeB);
        }
    }

    private final Side a;
    private final Side b;

    /** One ledger, with the rows read from it counted. */
    private static final class Side {
        final Connection c;
        final LedgerStore store;
        long rowsRead;

        Side(Connection c, LedgerStore store) {
            this.c = c;
            this.store = store;
        }

        long size() throws SQLException {
            rowsRead++;
            return store.size(c);
        }

        byte[] node(int level, long index) throws SQLException {
            rowsRead++;
            return store.readNodes(c, List.of(new NodeId(level, index))).get(0);
        }

        StoredEntry entry(long seq) throws SQLException {
            rowsRead++;
            return store.readEntry(c, seq);
        }
    }

    public LedgerDiff(Connection a, LedgerStore storeA, Connection b, LedgerStore storeB) {
        this.a = new Side(a, storeA);
        this.b = new Side(b, storeB);
    }

    /** Compares two ledgers by their connections (each with its own dialect). */
    public static Result compare(Connection a, Connection b) throws SQLException {
        return new LedgerDiff(a, LedgerStore.of(a), b, LedgerStore.of(b)).compare();
    }

    public Result compare() throws SQLException {
        long sizeA = a.size();
        long sizeB = b.size();
        long first = firstDivergentLeaf(Math.min(sizeA, sizeB));
        if (first < 0) {
            return new Result(sizeA == sizeB ? Relation.EQUAL : Relation.PREFIX, sizeA, sizeB, 0, a.rowsRead + b.rowsRead, null, null);
        }
        long seq = first + 1;
        StoredEntry ea = a.entry(seq);
        StoredEntry eb = b.entry(seq);
        return new Result(Relation.DIVERGED, sizeA, sizeB, seq, a.rowsRead + b.rowsRead, ea, eb);
    }

    /** The 0-based index of the first leaf that differs among the first {@code m}, or -1 when none does. */
    private long firstDivergentLeaf(long m) throws SQLException {
        if (m == 0) {
            return -1;
        }
        long lo = 0;
        long hi = m;
        while (hi - lo > 1) {
            long k = Long.highestOneBit(hi - lo - 1); // the largest power of two below the range's length
            int level = Long.numberOfTrailingZeros(k);
            long index = lo / k; // lo is a multiple of k: every range here is one of the RFC 6962 split's
            if (MessageDigest.isEqual(a.node(level, index), b.node(level, index))) {
                lo += k;
            } else {
                hi = lo + k;
            }
        }
        return MessageDigest.isEqual(a.node(0, lo), b.node(0, lo)) ? -1 : lo;
    }
}
