package io.ledgerjdbc.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The scan that reads on a second thread: same rows in the same order, failures on either side end it cleanly. */
class ReadAheadScanTest {

    private static final int ENTRIES = 2 * LedgerStore.PAGE + 345;

    private static void fill(Connection c, LedgerStore store) throws SQLException {
        LedgerSchema.createIfMissing(c, store.dialect());
        c.setAutoCommit(false);
        LedgerHead head = store.readHead(c);
        for (long seq = 1; seq <= ENTRIES; seq++) {
            head = store.append(c, head, LedgerStoreTest.entry(seq, 4));
        }
        c.commit();
    }

    private static boolean readerAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("ledgerjdbc-scan") && t.isAlive());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void visitsTheSameRowsInTheSameOrderAsThePlainScanWhileTheConnectionStaysUsable(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            fill(c, store);
            List<Long> plain = new ArrayList<>();
            store.scan(c, 3, e -> plain.add(e.seq()));
            ReadAheadScan scan = new ReadAheadScan();
            List<Long> ahead = new ArrayList<>();
            scan.scan(c, 3, e -> {
                ahead.add(e.seq());
                if (e.seq() == 1500) { // a query of the visitor's own, between the reader's pages
                    scan.connectionGuard().lock();
                    try {
                        assertThat(store.readEntry(c, 7).seq()).isEqualTo(7);
                    } catch (SQLException ex) {
                        throw new AssertionError(ex);
                    } finally {
                        scan.connectionGuard().unlock();
                    }
                }
            });
            assertThat(ahead).hasSize(ENTRIES - 2).isEqualTo(plain);
            assertThat(readerAlive()).isFalse();
            assertThat(store.size(c)).isEqualTo(ENTRIES);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aVisitorThatThrowsStopsTheReaderAndTheConnectionIsStillUsable(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            LedgerStore store = LedgerStore.of(c);
            fill(c, store);
            assertThatThrownBy(() -> new ReadAheadScan().scan(c, 1, e -> {
                if (e.seq() == 10) {
                    throw new IllegalStateException("visitor gave up");
                }
            })).hasMessage("visitor gave up");
            assertThat(readerAlive()).isFalse();
            assertThat(store.size(c)).isEqualTo(ENTRIES);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void theReadersDatabaseErrorReachesTheCallerUnchanged(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Connection c = db.connect()) {
            SQLException direct = null;
            try {
                LedgerStore.of(c).scan(c, 1, e -> { });
            } catch (SQLException e) {
                direct = e;
            }
            assertThat((Object) direct).as("no ledger_entry table: the plain scan fails").isNotNull();
            String state = direct.getSQLState();
            assertThatThrownBy(() -> new ReadAheadScan().scan(c, 1, e -> { }))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(state));
            assertThat(readerAlive()).isFalse();
        }
    }
}
