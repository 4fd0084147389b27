package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ledger.sequenceReads}: a query that only takes sequence values runs unrecorded by default (the value
 * reaches the ledger with the row that uses it); with {@code refuse} it is refused; setval is always refused.
 */
class SequencePolicyTest {

    static String nextValue(Backend b) {
        return switch (b) {
            case POSTGRESQL -> "SELECT nextval('order_seq')";
            case MARIADB -> "SELECT NEXTVAL(order_seq)";
            default -> "SELECT NEXT VALUE FOR order_seq";
        };
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "MARIADB"})
    void sequenceValuesAreTakenUnrecordedAndReachTheLedgerWithTheirRow(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            try (Connection c = f.ledger(); Statement s = c.createStatement()) {
                s.execute("CREATE SEQUENCE order_seq START WITH 100 INCREMENT BY 1");
                s.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, item VARCHAR(20))");
                int before = f.entries().size();
                c.setAutoCommit(false);
                long id;
                try (ResultSet rs = s.executeQuery(nextValue(backend))) {
                    rs.next();
                    id = rs.getLong(1);
                }
                assertThat(id).isEqualTo(100);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (id, item) VALUES (?, ?)")) {
                    ps.setLong(1, id);
                    ps.setString(2, "tea");
                    ps.executeUpdate();
                }
                c.commit();
                try (ResultSet rs = s.executeQuery(nextValue(backend))) { // autocommit off, nothing pending: no entry
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(101);
                }
                c.commit();
                var entries = f.entries();
                assertThat(entries).hasSize(before + 1);
                assertThat(entries.get(entries.size() - 1).changes()).singleElement()
                        .isInstanceOfSatisfying(RowChange.class, rc -> assertThat(rc.after().toString()).contains("100"));
                assertThatThrownBy(() -> s.executeQuery(backend == Backend.POSTGRESQL ? "SELECT setval('order_seq', 5)"
                        : backend == Backend.MARIADB ? "SELECT SETVAL(order_seq, 5)" : "SELECT setval('order_seq', 5)"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
            }
            assertThat(f.verify()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL"})
    void withSequenceReadsRefusedTheQueryIsRefusedBeforeItRuns(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            try (Connection c = f.ledger(); Statement s = c.createStatement()) {
                s.execute("CREATE SEQUENCE order_seq START WITH 100 INCREMENT BY 1");
            }
            Properties p = new Properties();
            p.setProperty("user", f.user());
            p.setProperty("password", "");
            p.setProperty("ledger.sequenceReads", "refuse");
            try (Connection c = java.sql.DriverManager.getConnection(f.ledgerUrl(), p); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery(nextValue(backend)))
                        .isInstanceOfSatisfying(SQLException.class, e -> {
                            assertThat(e.getSQLState()).isEqualTo("0A000");
                            assertThat(e.getMessage()).contains("ledger.sequenceReads");
                        });
            }
            try (Connection c = f.ledger(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(nextValue(backend))) {
                rs.next();
                assertThat(rs.getLong(1)).as("the refused query did not run").isEqualTo(100);
            }
        }
    }
}
