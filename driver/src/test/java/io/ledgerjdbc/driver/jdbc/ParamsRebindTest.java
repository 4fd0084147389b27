package io.ledgerjdbc.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On real databases, each kind of setter the application may call is recorded so that the session can bind the same
 * value to another statement at another index: the value stored through the wrapper (row 1), through the replayed
 * binder on a second statement where the parameter sits at index 1 instead of 2 (row 2), and directly on the raw
 * driver (row 3) are the same. Stream setters consume the application's stream once and still bind twice. Where
 * the raw driver rejects a setter, the wrapper fails the same way.
 */
class ParamsRebindTest {

    /** Column kinds, with their type on each backend. */
    enum Kind {
        TEXT("VARCHAR(200)", "TEXT"), INT("BIGINT", "INTEGER"), REAL("DOUBLE PRECISION", "REAL"),
        DECIMAL("DECIMAL(20, 5)", "NUMERIC"), BINARY("VARBINARY(200)", "BLOB"), DATE("DATE", "DATE"),
        TIME("TIME", "TIME"), TIMESTAMP("TIMESTAMP", "TIMESTAMP"), BOOLEAN("BOOLEAN", "BOOLEAN"),
        CLOB("CLOB", "TEXT"), BLOB("BLOB", "BLOB"), ARRAY("INTEGER ARRAY", "TEXT"), XML("CLOB", "TEXT");

        final String h2;
        final String sqlite;

        Kind(String h2, String sqlite) {
            this.h2 = h2;
            this.sqlite = sqlite;
        }
    }

    @FunctionalInterface
    interface Setter {
        void set(PreparedStatement ps, int index) throws Exception;
    }

    record Case(String name, Kind kind, Setter setter, Backend only) {
        Case(String name, Kind kind, Setter setter) {
            this(name, kind, setter, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final String TEXT = "hé, ledger";
    private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    static List<Case> cases() {
        return List.of(
                new Case("setNull", Kind.TEXT, (ps, i) -> ps.setNull(i, Types.VARCHAR)),
                new Case("setNull with type name", Kind.TEXT, (ps, i) -> ps.setNull(i, Types.VARCHAR, "VARCHAR")),
                new Case("setBoolean", Kind.BOOLEAN, (ps, i) -> ps.setBoolean(i, true)),
                new Case("setByte", Kind.INT, (ps, i) -> ps.setByte(i, (byte) -7)),
                new Case("setShort", Kind.INT, (ps, i) -> ps.setShort(i, (short) 300)),
                new Case("setInt", Kind.INT, (ps, i) -> ps.setInt(i, 70_000)),
                new Case("setLong", Kind.INT, (ps, i) -> ps.setLong(i, 1L << 40)),
                new Case("setFloat", Kind.REAL, (ps, i) -> ps.setFloat(i, 1.5f)),
                new Case("setDouble", Kind.REAL, (ps, i) -> ps.setDouble(i, 2.25)),
                new Case("setBigDecimal", Kind.DECIMAL, (ps, i) -> ps.setBigDecimal(i, new BigDecimal("12345.678"))),
                new Case("setString", Kind.TEXT, (ps, i) -> ps.setString(i, TEXT)),
                new Case("setNString", Kind.TEXT, (ps, i) -> ps.setNString(i, TEXT)),
                new Case("setBytes", Kind.BINARY, (ps, i) -> ps.setBytes(i, new byte[] {0, 1, -2, 127})),
                new Case("setDate", Kind.DATE, (ps, i) -> ps.setDate(i, Date.valueOf("2024-02-29"))),
                new Case("setDate with calendar", Kind.DATE, (ps, i) -> ps.setDate(i, Date.valueOf("2024-02-29"), UTC)),
                new Case("setTime", Kind.TIME, (ps, i) -> ps.setTime(i, Time.valueOf("12:34:56"))),
                new Case("setTime with calendar", Kind.TIME, (ps, i) -> ps.setTime(i, Time.valueOf("12:34:56"), UTC)),
                new Case("setTimestamp", Kind.TIMESTAMP,
                        (ps, i) -> ps.setTimestamp(i, Timestamp.valueOf("2024-02-29 12:34:56.789"))),
                new Case("setTimestamp with calendar", Kind.TIMESTAMP,
                        (ps, i) -> ps.setTimestamp(i, Timestamp.valueOf("2024-02-29 12:34:56.789"), UTC)),
                new Case("setObject", Kind.TEXT, (ps, i) -> ps.setObject(i, TEXT)),
                new Case("setObject with type", Kind.INT, (ps, i) -> ps.setObject(i, "42", Types.BIGINT)),
                new Case("setObject with type and scale", Kind.DECIMAL,
                        (ps, i) -> ps.setObject(i, new BigDecimal("1.23456"), Types.DECIMAL, 2)),
                new Case("setObject with SQLType", Kind.TEXT, (ps, i) -> ps.setObject(i, TEXT, JDBCType.VARCHAR)),
                new Case("setObject with SQLType and scale", Kind.DECIMAL,
                        (ps, i) -> ps.setObject(i, new BigDecimal("1.23456"), JDBCType.DECIMAL, 2)),
                // (SQLite stores the toString() of objects it does not know, so only H2 shows these.)
                new Case("setObject with a stream", Kind.BINARY, (ps, i) -> ps.setObject(i, bytes(TEXT)), Backend.H2),
                new Case("setObject with a reader", Kind.CLOB, (ps, i) -> ps.setObject(i, new StringReader(TEXT)),
                        Backend.H2),
                new Case("setArray", Kind.ARRAY,
                        (ps, i) -> ps.setArray(i, ps.getConnection().createArrayOf("INTEGER", new Object[] {1, 2, 3}))),
                new Case("setBlob", Kind.BLOB, (ps, i) -> {
                    Blob blob = ps.getConnection().createBlob();
                    blob.setBytes(1, new byte[] {4, 5, 6});
                    ps.setBlob(i, blob);
                }),
                new Case("setClob", Kind.CLOB, (ps, i) -> {
                    Clob clob = ps.getConnection().createClob();
                    clob.setString(1, TEXT);
                    ps.setClob(i, clob);
                }),
                new Case("setNClob", Kind.CLOB, (ps, i) -> {
                    NClob clob = ps.getConnection().createNClob();
                    clob.setString(1, TEXT);
                    ps.setNClob(i, clob);
                }),
                new Case("setSQLXML", Kind.XML, (ps, i) -> {
                    SQLXML xml = ps.getConnection().createSQLXML();
                    xml.setString("<a>ledger</a>");
                    ps.setSQLXML(i, xml);
                }),
                new Case("setRef", Kind.TEXT, (ps, i) -> ps.setRef(i, null)),
                new Case("setRowId", Kind.TEXT, (ps, i) -> ps.setRowId(i, null)),
                new Case("setURL", Kind.TEXT, (ps, i) -> ps.setURL(i, new URL("http://example.com/ledger"))),
                // Streams and readers: unbounded, and bounded by a length shorter than the content.
                new Case("setAsciiStream", Kind.CLOB, (ps, i) -> ps.setAsciiStream(i, bytes("ascii text"))),
                new Case("setAsciiStream with int length", Kind.CLOB, (ps, i) -> ps.setAsciiStream(i, bytes("ascii text"), 5)),
                new Case("setAsciiStream with long length", Kind.CLOB,
                        (ps, i) -> ps.setAsciiStream(i, bytes("ascii text"), 5L)),
                new Case("setBinaryStream", Kind.BINARY, (ps, i) -> ps.setBinaryStream(i, bytes(TEXT))),
                new Case("setBinaryStream with int length", Kind.BINARY, (ps, i) -> ps.setBinaryStream(i, bytes(TEXT), 4)),
                new Case("setBinaryStream with long length", Kind.BINARY,
                        (ps, i) -> ps.setBinaryStream(i, bytes(TEXT), 4L)),
                new Case("setCharacterStream", Kind.CLOB, (ps, i) -> ps.setCharacterStream(i, new StringReader(TEXT))),
                new Case("setCharacterStream with int length", Kind.CLOB,
                        (ps, i) -> ps.setCharacterStream(i, new StringReader(TEXT), 4)),
                new Case("setCharacterStream with long length", Kind.CLOB,
                        (ps, i) -> ps.setCharacterStream(i, new StringReader(TEXT), 4L)),
                new Case("setNCharacterStream", Kind.CLOB, (ps, i) -> ps.setNCharacterStream(i, new StringReader(TEXT))),
                new Case("setNCharacterStream with length", Kind.CLOB,
                        (ps, i) -> ps.setNCharacterStream(i, new StringReader(TEXT), 4L)),
                new Case("setBlob with a stream", Kind.BLOB, (ps, i) -> ps.setBlob(i, bytes(TEXT))),
                new Case("setBlob with a stream and length", Kind.BLOB, (ps, i) -> ps.setBlob(i, bytes(TEXT), 4L)),
                new Case("setClob with a reader", Kind.CLOB, (ps, i) -> ps.setClob(i, new StringReader(TEXT))),
                new Case("setClob with a reader and length", Kind.CLOB,
                        (ps, i) -> ps.setClob(i, new StringReader(TEXT), 4L)),
                new Case("setNClob with a reader", Kind.CLOB, (ps, i) -> ps.setNClob(i, new StringReader(TEXT))),
                new Case("setNClob with a reader and length", Kind.CLOB,
                        (ps, i) -> ps.setNClob(i, new StringReader(TEXT), 4L)),
                new Case("setUnicodeStream", Kind.TEXT, ParamsRebindTest::setUnicodeStream));
    }

    @SuppressWarnings("deprecation")
    private static void setUnicodeStream(PreparedStatement ps, int i) throws SQLException {
        ps.setUnicodeStream(i, new ByteArrayInputStream("unicode".getBytes(StandardCharsets.UTF_16BE)), 14);
    }

    static Stream<Arguments> backendsAndCases() {
        return Stream.of(Backend.values()).flatMap(b -> cases().stream()
                .filter(c -> c.only() == null || c.only() == b)
                .map(c -> Arguments.of(b, c)));
    }

    @TempDir
    Path dir;

    private Connection real;

    @AfterEach
    void close() throws SQLException {
        if (real != null) {
            real.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndCases")
    void recordedSetterRebindsToTheSameStoredValue(Backend backend, Case c) throws Exception {
        real = backend.open(dir, "params");
        RecordingSession session = new RecordingSession(real);
        Connection wrapped = new LedgerConnection(real, session);
        try (Statement s = real.createStatement()) {
            s.executeUpdate("CREATE TABLE v (k INTEGER PRIMARY KEY, x "
                    + (backend == Backend.H2 ? c.kind().h2 : c.kind().sqlite) + ")");
        }

        // Row 3: straight on the raw driver.
        String rawOutcome = Outcomes.of(() -> {
            try (PreparedStatement ps = real.prepareStatement("INSERT INTO v (k, x) VALUES (?, ?)")) {
                ps.setInt(1, 3);
                c.setter().set(ps, 2);
                return ps.executeUpdate();
            }
        });
        // Row 1: through the wrapper, which records the parameters it hands to the session.
        String wrappedOutcome = Outcomes.of(() -> {
            try (PreparedStatement ps = wrapped.prepareStatement("INSERT INTO v (k, x) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                c.setter().set(ps, 2);
                return ps.executeUpdate();
            }
        });
        assertThat(wrappedOutcome).isEqualTo(rawOutcome);
        if (rawOutcome.startsWith("! ")) {
            return; // the driver does not support this setter: the wrapper failed exactly the same way
        }

        // Row 2: the recorded binder, replayed on another statement where the value is parameter 1.
        Params params = session.last("execute").params();
        try (PreparedStatement ps = real.prepareStatement("INSERT INTO v (x, k) VALUES (?, ?)")) {
            params.bindRange(ps, 2, 1, 1);
            ps.setInt(2, 2);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        List<String> stored = new ArrayList<>();
        try (Statement s = real.createStatement(); ResultSet rs = s.executeQuery("SELECT k, x FROM v ORDER BY k")) {
            while (rs.next()) {
                stored.add(rs.getInt(1) + ": " + Outcomes.render(rs.getObject(2)));
            }
        }
        String value = stored.get(2).substring(3);
        assertThat(stored).containsExactly("1: " + value, "2: " + value, "3: " + value);
    }
}
