package io.ledgerjdbc.bench;

import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.merkle.MemoryTree;
import io.ledgerjdbc.ledger.merkle.MerkleFrontier;
import io.ledgerjdbc.ledger.merkle.MerkleVerifier;
import io.ledgerjdbc.ledger.merkle.InvalidProofException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Merkle operations at n = 1,000,000 in memory. Targets: append ≥ 1M leaves/s (appendAndRootOneMillion
 * must take ≤ 1 s); proofs are measured here in memory and in {@link StorageProofBench} from storage.
 */
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@State(Scope.Benchmark)
public class MerkleBench {

    static final int N = 1_000_000;

    private byte[][] leaves;
    private MemoryTree tree;
    private byte[] root;
    private final int[] proofLeaf = new int[1024];
    private final List<List<byte[]>> inclusion = new java.util.ArrayList<>();
    private final int[] firstSize = new int[1024];
    private final List<byte[]> firstRoot = new java.util.ArrayList<>();
    private final List<List<byte[]>> consistency = new java.util.ArrayList<>();
    private int next;

    @Setup
    public void setup() {
        leaves = new byte[N][];
        tree = new MemoryTree();
        for (int i = 0; i < N; i++) {
            leaves[i] = Hashes.leaf(ByteBuffer.allocate(8).putLong(i).array());
            tree.append(leaves[i]);
        }
        root = tree.root();
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 1024; i++) {
            proofLeaf[i] = random.nextInt(N);
            inclusion.add(tree.inclusionProof(proofLeaf[i], N));
            firstSize[i] = 1 + random.nextInt(N - 1);
            firstRoot.add(tree.root(firstSize[i]));
            consistency.add(tree.consistencyProof(firstSize[i], N));
        }
    }

    /** The frontier alone: O(log n) memory, what the driver keeps per database. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3)
    @Measurement(iterations = 5)
    public byte[] appendAndRootOneMillion() {
        MerkleFrontier f = new MerkleFrontier();
        for (byte[] leaf : leaves) {
            f.append(leaf);
        }
        return f.root();
    }

    /** Every node kept (proof-ready), as the stored ledger keeps them. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 3)
    public byte[] appendAllNodesOneMillion() {
        MemoryTree t = new MemoryTree();
        for (byte[] leaf : leaves) {
            t.append(leaf);
        }
        return t.root();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public List<byte[]> inclusionProof() {
        return tree.inclusionProof(ThreadLocalRandom.current().nextInt(N), N);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public List<byte[]> consistencyProof() {
        return tree.consistencyProof(1 + ThreadLocalRandom.current().nextInt(N - 1), N);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public boolean verifyInclusion() throws InvalidProofException {
        int i = next++ & 1023;
        MerkleVerifier.verifyInclusion(proofLeaf[i], N, leaves[proofLeaf[i]], inclusion.get(i), root);
        return true;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public boolean verifyConsistency() throws InvalidProofException {
        int i = next++ & 1023;
        MerkleVerifier.verifyConsistency(firstSize[i], N, firstRoot.get(i), root, consistency.get(i));
        return true;
    }
}
