package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.store.Backend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A parent deleted (its children cascading) while other connections keep inserting children of it: whatever
 * commits, every child the cascade deleted must be in the ledger, so the ledger verifies clean afterwards.
 */
class ReferentialActionsRaceTest {

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "H2_MEM", mode = EnumSource.Mode.EXCLUDE)
    void childrenInsertedWhileTheirParentIsDeletedAreNeverLostFromTheLedger(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE p (id INT PRIMARY KEY)",
                    "CREATE TABLE c (id INT PRIMARY KEY, p_id INT, FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE)");
            long until = System.currentTimeMillis() + 3_000;
            AtomicLong ids = new AtomicLong();
            AtomicInteger deletes = new AtomicInteger();
            AtomicInteger inserts = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                Future<?> parent = pool.submit(() -> {
                    try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                        if (backend == Backend.SQLITE) s.execute("PRAGMA foreign_keys = ON");
                        while (System.currentTimeMillis() < until) {
                            try {
                                s.executeUpdate("INSERT INTO p (id) VALUES (1)");
                                Thread.sleep(5);
                                deletes.addAndGet(s.executeUpdate("DELETE FROM p WHERE id = 1"));
                            } catch (SQLException expected) {
                                // busy, 40001, a duplicate: the race is the point
                            }
                        }
                    }
                    return null;
                });
                Future<?>[] children = new Future<?>[2];
                for (int t = 0; t < children.length; t++) {
                    children[t] = pool.submit(() -> {
                        try (Connection l = f.ledger(); Statement s = l.createStatement();
                             PreparedStatement ps = l.prepareStatement("INSERT INTO c (id, p_id) VALUES (?, 1)")) {
                            if (backend == Backend.SQLITE) s.execute("PRAGMA foreign_keys = ON");
                            while (System.currentTimeMillis() < until) {
                                ps.setLong(1, ids.incrementAndGet());
                                try {
                                    inserts.addAndGet(ps.executeUpdate());
                                } catch (SQLException expected) {
                                    // no parent at the moment, busy, 40001
                                }
                            }
                        }
                        return null;
                    });
                }
                parent.get();
                for (Future<?> c : children) c.get();
            } finally {
                pool.shutdownNow();
            }
            System.out.println(backend + ": " + deletes + " parent deletes, " + inserts + " child inserts");
            assertThat(deletes.get()).isPositive();
            assertThat(inserts.get()).isPositive();
            assertThat(f.verify()).isEmpty();
        }
    }
}
