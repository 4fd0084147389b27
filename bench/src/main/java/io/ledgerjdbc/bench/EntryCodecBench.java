package io.ledgerjdbc.bench;

import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.hash.Hashes;
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

/** Target: encode + leaf hash of a small entry (one 5-column UPDATE) ≤ 2 µs. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class EntryCodecBench {

    private LedgerEntry entry;
    private byte[] encoded;

    @Setup
    public void setup() {
        entry = Fixtures.typicalEntry(42);
        encoded = EntryCodec.encode(entry);
    }

    @Benchmark
    public byte[] encodeAndLeafHash() {
        return Hashes.leaf(EntryCodec.encode(entry));
    }

    @Benchmark
    public byte[] encode() {
        return EntryCodec.encode(entry);
    }

    @Benchmark
    public LedgerEntry decode() {
        return EntryCodec.decode(encoded);
    }
}
