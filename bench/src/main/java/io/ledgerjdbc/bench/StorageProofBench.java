package io.ledgerjdbc.bench;

import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import io.ledgerjdbc.ledger.verify.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Proofs and verification read from a stored ledger of 1,000,000 typical entries (built once, kept under
 * bench/target/ledgers and reused by later runs). Target: inclusion and consistency proof generation from
 * storage ≤ 1 ms at n = 1M. The verify benchmark runs with a 256 MiB heap to show memory stays flat.
 */
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
@State(Scope.Benchmark)
public class StorageProofBench {

    static final long N = 1_000_000;

    @Param({"sqlite", "h2"})
    public String backend;

    private Connection connection;
    private LedgerStore store;

    @Setup(Level.Trial)
    public void open() throws Exception {
        Path dir = Files.createDirectories(Path.of(System.getProperty("ledgerjdbc.bench.dir", "target/ledgers")));
        String url = backend.equals("sqlite")
                ? "jdbc:sqlite:" + dir.resolve("ledger-1m.sqlite") + "?journal_mode=WAL"
                : "jdbc:h2:" + dir.resolve("ledger-1m-h2").toAbsolutePath();
        connection = DriverManager.getConnection(url);
        store = LedgerStore.of(connection);
        LedgerSchema.createIfMissing(connection, store.dialect());
        fill(N);
    }

    private void fill(long n) throws SQLException {
        LedgerHead head = store.readHead(connection);
        if (head.size() >= n) {
            return;
        }
        System.err.printf("building a %,d-entry %s ledger (once)...%n", n, backend);
        connection.setAutoCommit(false);
        for (long seq = head.size() + 1; seq <= n; seq++) {
            LedgerEntry e = Fixtures.typicalEntry(seq);
            head = store.append(connection, head, e);
            if (seq % 10_000 == 0) {
                connection.commit();
            }
        }
        connection.commit();
        connection.setAutoCommit(true);
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        connection.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public List<byte[]> inclusionProofFromStorage() throws SQLException {
        return store.inclusionProof(connection, 1 + ThreadLocalRandom.current().nextLong(N), N);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public List<byte[]> consistencyProofFromStorage() throws SQLException {
        return store.consistencyProof(connection, 1 + ThreadLocalRandom.current().nextLong(N - 1), N);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public byte[] rootFromStorage() throws SQLException {
        return store.root(connection, 1 + ThreadLocalRandom.current().nextLong(N));
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public LedgerHead readHead() throws SQLException {
        return store.readHead(connection);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 2)
    public VerifyReport verifyOneMillion() throws SQLException {
        VerifyReport r = new LedgerVerifier(store).verify(connection, VerifyOptions.defaults(), f -> {
            throw new IllegalStateException("unexpected finding " + f);
        });
        if (r.entries() != N) {
            throw new IllegalStateException("verified " + r.entries() + " entries, expected " + N);
        }
        return r;
    }
}
