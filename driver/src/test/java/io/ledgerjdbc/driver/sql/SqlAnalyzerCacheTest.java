package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.ledger.store.SqlDialect;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Caching, the promise that reads never reach Calcite, the cost budget, thread safety and "never throws". */
class SqlAnalyzerCacheTest {

    @Test
    void sameStringGivesTheSameInstance() {
        SqlAnalyzer a = new SqlAnalyzer(SqlDialect.POSTGRESQL);
        String sql = "UPDATE t SET a = ? WHERE id = ?";
        Analysis first = a.analyze(sql);
        assertThat(a.analyze(new String(sql.toCharArray()))).isSameAs(first);
        Analysis read = a.analyze("SELECT 1");
        assertThat(a.analyze("SELECT 1")).isSameAs(read);
    }

    @Test
    void readsAreNeverGivenToCalciteAndWritesOnlyOnce() {
        SqlAnalyzer a = new SqlAnalyzer(SqlDialect.H2);
        for (int i = 0; i < 2_000; i++) {
            a.analyze("SELECT * FROM t WHERE id = " + i);
            a.analyze("WITH x AS (SELECT " + i + ") SELECT * FROM x");
            a.analyze("SHOW TABLES /* " + i + " */");
            a.analyze("CREATE TABLE t" + i + " (id INT)"); // DDL is classified, not parsed, too
            a.analyze("BEGIN");
        }
        assertThat(a.calciteParses()).isZero();
        a.analyze("DELETE FROM t WHERE id = ?");
        a.analyze("DELETE FROM t WHERE id = ?");
        assertThat(a.calciteParses()).isEqualTo(1);
    }

    @Test
    void cachedReadCostsWellUnderAMicrosecondAndAFirstReadAFewMicroseconds() {
        SqlAnalyzer a = new SqlAnalyzer(SqlDialect.POSTGRESQL);
        int distinct = 1_000;
        String[] reads = new String[distinct];
        for (int i = 0; i < distinct; i++) {
            reads[i] = "SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
                    + "WHERE o.status = ? AND o.created_at > ? AND o.shard = " + i + " ORDER BY o.id LIMIT 50";
        }
        // First-time cost on fresh analyzers: the best of 40 rounds, because other processes share this machine
        // (measured here, uncontended: ~1 µs for this 150-character read; ~17 ns cached).
        long bestFirst = Long.MAX_VALUE;
        for (int round = 0; round < 40; round++) {
            SqlAnalyzer fresh = new SqlAnalyzer(SqlDialect.POSTGRESQL);
            long t0 = System.nanoTime();
            for (String r : reads) fresh.analyze(r);
            bestFirst = Math.min(bestFirst, (System.nanoTime() - t0) / distinct);
        }
        for (String r : reads) a.analyze(r);
        long bestCached = Long.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 100_000; i++) a.analyze(reads[i % distinct]);
            bestCached = Math.min(bestCached, (System.nanoTime() - t0) / 100_000);
        }
        System.out.printf("read analysis: first %d ns, cached %d ns%n", bestFirst, bestCached);
        assertThat(bestCached).isLessThan(1_000);
        // Uncontended this is ~1 µs; the bound only has to tell "lexed" from "parsed by Calcite" (≥ 80 µs
        // measured here) without failing when other builds share the two cores.
        assertThat(bestFirst).isLessThan(50_000);
        assertThat(a.calciteParses()).isZero();
    }

    @Test
    void cacheStaysBounded() {
        SqlAnalyzer a = new SqlAnalyzer(SqlDialect.SQLITE);
        for (int i = 0; i < SqlAnalyzer.CACHE_LIMIT * 2 + 500; i++) a.analyze("SELECT " + i);
        assertThat(a.cacheSize()).isLessThanOrEqualTo(SqlAnalyzer.CACHE_LIMIT);
        assertThat(a.analyze("SELECT 1")).isEqualTo(new Analysis.Read());
    }

    @Test
    void veryLongStatementsAreAnalysedButNotCached() {
        SqlAnalyzer a = new SqlAnalyzer(SqlDialect.MARIADB);
        StringBuilder sql = new StringBuilder("INSERT INTO t (a, b) VALUES ");
        for (int i = 0; i < 2_000; i++) sql.append(i == 0 ? "" : ", ").append('(').append(i).append(", 'v").append(i).append("')");
        Analysis first = a.analyze(sql.toString());
        assertThat(first).isInstanceOfSatisfying(Analysis.Insert.class, ins -> assertThat(ins.rows()).hasSize(2_000));
        assertThat(a.cacheSize()).isZero();
        assertThat(a.analyze(sql.toString())).isEqualTo(first).isNotSameAs(first);
    }

    @Test
    void concurrentCallersShareOneInstancePerString() throws Exception {
        SqlAnalyzer a = new SqlAnalyzer(SqlDialect.POSTGRESQL);
        List<String> sqls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sqls.add(i % 2 == 0 ? "SELECT " + i : "UPDATE t SET a = ? WHERE id = " + i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentHashMap<String, Set<Analysis>> seen = new ConcurrentHashMap<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            futures.add(pool.submit(() -> {
                go.await();
                for (int round = 0; round < 20; round++) {
                    for (String sql : sqls) {
                        seen.computeIfAbsent(sql, k -> java.util.Collections.synchronizedSet(
                                java.util.Collections.newSetFromMap(new IdentityHashMap<>()))).add(a.analyze(sql));
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(seen).hasSize(sqls.size());
        seen.forEach((sql, instances) -> assertThat(instances).as(sql).hasSize(1));
    }

    @Test
    void neverThrowsOnGarbage() {
        String[] bits = {"SELECT", "INSERT", "INTO", "UPDATE", "DELETE", "FROM", "WHERE", "SET", "VALUES", "(", ")",
                ",", ";", "?", "'", "\"", "`", "[", "]", "$$", "$a$", "--", "/*", "*/", "#", "//", "\\", "E'", "=",
                "t", "a", "1", "CASE", "END", "WITH", "AS", "CREATE", "TABLE", "DROP", "ALTER", "INDEX", "ON",
                "BEGIN", "ROLLBACK", "TO", "EXPLAIN", "ANALYZE", "{", "}", "call", "::", "??", "?|", "@", "@@", ":x",
                "\n", " ", "ledger_x", ".", "RETURNING", "LIMIT", "ORDER", "BY", "OR", "REPLACE", "日本", "😀"};
        Random random = new Random(7);
        for (SqlDialect d : SqlDialect.values()) {
            SqlAnalyzer a = new SqlAnalyzer(d);
            for (int i = 0; i < 5_000; i++) {
                StringBuilder sql = new StringBuilder();
                int n = random.nextInt(14);
                for (int k = 0; k < n; k++) sql.append(bits[random.nextInt(bits.length)]).append(random.nextBoolean() ? " " : "");
                Analysis result = a.analyze(sql.toString());
                assertThat(result).as(sql.toString()).isNotNull();
                if (result instanceof Analysis.Refused r) {
                    assertThat(r.reason()).as(sql.toString()).doesNotContain("the analyzer failed");
                }
            }
        }
    }
}
