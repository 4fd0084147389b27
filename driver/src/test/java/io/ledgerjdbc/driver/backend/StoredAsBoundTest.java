package io.ledgerjdbc.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.cli.LedgerCli;
import io.ledgerjdbc.driver.database.Sealer;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An INSERT whose every column is a bound parameter is recorded from the values bound, without reading the row
 * back, only where PostgreSQL stores exactly those values ({@link Backend#storedAsBound}); everywhere else the row is
 * read back. Either way the ledger must hold what the table holds.
 */
class StoredAsBoundTest {

    private static final Backend PG = Backend.of(SqlDialect.POSTGRESQL);
    private static final Timestamp MICROS = Timestamp.valueOf("2026-03-29 02:30:00.123456");

    record Case(String what, Object bound, String type, int size, Integer digits, Value expected) {
        @Override
        public String toString() {
            return what;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("NULL into any type", null, "jsonb", 0, null, Value.NULL),
                new Case("long into int8", 5L, "int8", 19, 0, Value.of(5L)),
                new Case("int into int4", -7, "int4", 10, 0, Value.of(-7L)),
                new Case("short into int2", (short) 3, "int2", 5, 0, Value.of(3L)),
                new Case("long into bigserial", 9L, "bigserial", 19, 0, Value.of(9L)),
                new Case("string into int4: the database converts", "5", "int4", 10, 0, null),
                new Case("string into text", "it's", "text", Integer.MAX_VALUE, 0, Value.of("it's")),
                new Case("string into varchar(5) that fits", "abcde", "varchar", 5, 0, Value.of("abcde")),
                new Case("longer string into varchar(5): excess spaces are cut", "abc   ", "varchar", 5, 0, null),
                new Case("surrogate pair counts as one character", "ab\uD83D\uDE00", "varchar", 3, 0, Value.of("ab\uD83D\uDE00")),
                new Case("unpaired surrogate: sent as '?'", "a\uD800", "text", 0, 0, null),
                new Case("string into char(5): padded", "ab", "bpchar", 5, 0, null),
                new Case("string into uuid: converted", "00000000-0000-0000-0000-000000000000", "uuid", 0, 0, null),
                new Case("decimal at the column's scale", new BigDecimal("12.34"), "numeric", 6, 2, Value.of(new BigDecimal("12.34"))),
                new Case("decimal below the column's scale", new BigDecimal("12.3"), "numeric", 6, 2, Value.of(new BigDecimal("12.30"))),
                new Case("decimal with trailing zeros beyond the scale", new BigDecimal("1.500"), "numeric", 6, 2, Value.of(new BigDecimal("1.5"))),
                new Case("decimal the column rounds", new BigDecimal("1.005"), "numeric", 6, 2, null),
                new Case("decimal too large for the precision", new BigDecimal("12345.6"), "numeric", 6, 2, null),
                new Case("decimal into unconstrained numeric", new BigDecimal("1.23456789012345678901"), "numeric", 0, null,
                        Value.of(new BigDecimal("1.23456789012345678901"))),
                new Case("double into float8", 0.1, "float8", 17, 17, Value.of(0.1)),
                new Case("double into float4: rounded", 0.1, "float4", 8, 8, null),
                new Case("boolean into bool", true, "bool", 1, 0, Value.of(true)),
                new Case("timestamp into timestamp(6)", MICROS, "timestamp", 26, 6, Value.of(MICROS.toLocalDateTime())),
                new Case("timestamp into timestamptz(6)", MICROS, "timestamptz", 35, 6, Value.of(MICROS.toInstant())),
                new Case("timestamp the column rounds to milliseconds", MICROS, "timestamp", 23, 3, null),
                new Case("timestamp with nanoseconds", Timestamp.valueOf("2026-01-01 00:00:00.000000001"), "timestamp", 26, 6, null),
                new Case("timestamp before 1900", Timestamp.valueOf("1500-01-01 00:00:00"), "timestamp", 26, 6, null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void postgresqlStoresExactlyTheseBoundValues(Case c) {
        assertThat(PG.storedAsBound(c.bound(), c.type(), c.size(), c.digits())).isEqualTo(c.expected());
    }

    @Test
    void otherDatabasesAnswerThatTheRowMustBeReadBack() {
        for (SqlDialect d : List.of(SqlDialect.SQLITE, SqlDialect.H2, SqlDialect.MARIADB)) {
            assertThat(Backend.of(d).storedAsBound(5L, "BIGINT", 19, 0)).as(d.name()).isNull();
        }
    }

    /**
     * On a real PostgreSQL, rows inserted with values the database stores as bound and with values it rounds, cuts
     * or converts: the ledger's after-images equal the rows as stored, and verify (replaying the ledger against the
     * tables) is clean.
     */
    @Test
    void insertedRowsAreRecordedAsStoredWhetherOrNotTheyAreReadBack() throws Exception {
        try (io.ledgerjdbc.ledger.store.Backend.Db db = io.ledgerjdbc.ledger.store.Backend.POSTGRESQL.open()) {
            Properties p = new Properties();
            p.setProperty("user", io.ledgerjdbc.ledger.store.Backend.PG_USER);
            p.setProperty("password", "");
            List<Object[]> rows = new ArrayList<>();
            rows.add(new Object[] {"abcde", new BigDecimal("12.3"), Timestamp.valueOf("2026-03-29 02:30:00.123"), 0.1, true});
            rows.add(new Object[] {"abc   ", new BigDecimal("1.005"), Timestamp.valueOf("2026-01-01 00:00:00.1234567"), null, null});
            rows.add(new Object[] {"é\uD83D\uDE00", null, null, Double.NaN, false});
            rows.add(new Object[] {null, new BigDecimal("-0.5"), Timestamp.valueOf(LocalDateTime.of(2026, 12, 6, 23, 59, 59)), -0.0, true});
            try (Connection c = DriverManager.getConnection(db.url.replace("jdbc:", "jdbc:ledger:"), p);
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE sb (id BIGINT PRIMARY KEY, v VARCHAR(5), n NUMERIC(6,2), ts TIMESTAMP(3), tz TIMESTAMPTZ,"
                        + " f FLOAT8, b BOOLEAN)");
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO sb (id, v, n, ts, tz, f, b) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    for (int i = 0; i < rows.size(); i++) {
                        Object[] r = rows.get(i);
                        ins.setLong(1, i + 1);
                        if (r[0] == null) ins.setNull(2, Types.VARCHAR); else ins.setString(2, (String) r[0]);
                        ins.setBigDecimal(3, (BigDecimal) r[1]);
                        ins.setTimestamp(4, (Timestamp) r[2]);
                        ins.setTimestamp(5, (Timestamp) r[2]);
                        if (r[3] == null) ins.setNull(6, Types.DOUBLE); else ins.setDouble(6, (Double) r[3]);
                        if (r[4] == null) ins.setNull(7, Types.BOOLEAN); else ins.setBoolean(7, (Boolean) r[4]);
                        assertThat(ins.executeUpdate()).isEqualTo(1);
                    }
                }
            }
            try (Connection raw = db.connect()) {
                Sealer.sealAll(raw);
                List<LedgerEntry> entries = new ArrayList<>();
                LedgerStore.of(raw).scan(raw, 1, e -> entries.add(EntryCodec.decode(e.entry())));
                assertThat(entries).hasSize(1 + rows.size());
                RowChange second = (RowChange) entries.get(2).changes().get(0);
                assertThat(second.after().get("v")).as("cut by the database, recorded as stored").isEqualTo(Value.of("abc  "));
                assertThat(second.after().get("n")).isEqualTo(Value.of(new BigDecimal("1.01")));
                assertThat(second.after().get("ts")).isEqualTo(Value.of(LocalDateTime.parse("2026-01-01T00:00:00.123")));
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = LedgerCli.run(new String[] {"verify", db.url, "--user", io.ledgerjdbc.ledger.store.Backend.PG_USER},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(exit).as(out + "\n" + err).isEqualTo(LedgerCli.CLEAN);
        }
    }
}
