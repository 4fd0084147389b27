package io.ledgerjdbc.ledger.entry;

import static io.ledgerjdbc.ledger.entry.EntryBytes.bytes;
import static io.ledgerjdbc.ledger.entry.EntryBytes.header;
import static io.ledgerjdbc.ledger.entry.EntryBytes.hex;
import static io.ledgerjdbc.ledger.entry.EntryBytes.insertWithAfter;
import static io.ledgerjdbc.ledger.entry.EntryBytes.insertWithValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hand-built encodings, one per rule the decoder enforces, each next to a valid neighbour. */
class EntryCodecRejectsTest {

    private static final int INT = ValueType.INTEGER.tag, DEC = ValueType.DECIMAL.tag, FLT = ValueType.FLOAT.tag,
            TXT = ValueType.TEXT.tag, BIN = ValueType.BYTES.tag, BOOL = ValueType.BOOLEAN.tag, DATE = ValueType.DATE.tag,
            TIME = ValueType.TIME.tag, TS = ValueType.TIMESTAMP.tag, TSTZ = ValueType.TIMESTAMP_TZ.tag;

    private static final byte[] VALID = insertWithValue(bytes().u8(INT).i64(7));

    private static byte[] with(byte[] b, int index, int value) {
        byte[] c = b.clone();
        c[index] = (byte) value;
        return c;
    }

    private static EntryBytes value(int tag) {
        return bytes().u8(tag);
    }

    private static byte[] commitTime(long seconds, long nanos) {
        return bytes().u8(1).i64(1).str("n").i64(seconds).i32(nanos).str("t").i32(0).build();
    }

    private static byte[] ddl(String object, String sql) {
        return header(1, 1).u8(Change.KIND_DDL).str(object).str(sql).build();
    }

    private static byte[] rowChange(int op, String table, EntryBytes keyImage) {
        return header(1, 1).u8(Change.KIND_ROW, op).str(table).then(keyImage)
                .i32(1).str("v").u8(INT).i64(1).build();
    }

    private static EntryBytes twoColumns(String first, String second) {
        return bytes().str(first).u8(INT).i64(1).str(second).u8(INT).i64(2);
    }

    // ---- the hand-built layout is the encoder's layout -----------------------------------------------------

    static Stream<Arguments> layoutAgreesWithEncoder() {
        return Stream.of(
                arguments(Value.NULL, value(0)),
                arguments(Value.of(-2L), value(INT).i64(-2)),
                arguments(Value.of(new BigDecimal("-1.29")), value(DEC).i32(2).lp(0xFF, 0x7F)),
                arguments(Value.of(new BigDecimal("128")), value(DEC).i32(0).lp(0x00, 0x80)),
                arguments(Value.of(new BigDecimal("0")), value(DEC).i32(0).lp(0x00)),
                arguments(Value.of(Double.NaN), value(FLT).i64(0x7ff8000000000000L)),
                arguments(Value.of("é"), value(TXT).lp(0xC3, 0xA9)),
                arguments(Value.of(new byte[] {1, 2}), value(BIN).lp(1, 2)),
                arguments(Value.of(true), value(BOOL).u8(1)),
                arguments(Value.of(LocalDate.MAX), value(DATE).i64(LocalDate.MAX.toEpochDay())),
                arguments(Value.of(LocalTime.MAX), value(TIME).i64(86_399_999_999_999L)),
                arguments(Value.of(LocalDateTime.MAX), value(TS).i64(LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC)).i32(999_999_999)),
                arguments(Value.of(Instant.MIN), value(TSTZ).i64(Instant.MIN.getEpochSecond()).i32(0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void layoutAgreesWithEncoder(Value v, EntryBytes body) {
        byte[] handBuilt = insertWithValue(body);
        assertThat(handBuilt).isEqualTo(EntryBytes.encodedAlone(v));
        assertThat(EntryCodec.decode(handBuilt)).isEqualTo(EntryBytes.insertEntry(v));
    }

    // ---- boundary neighbours of the rejections below are accepted ------------------------------------------

    static Stream<Arguments> validNeighboursDecode() {
        return Stream.of(
                arguments("columns z < é by unsigned UTF-8 bytes", insertWithAfter(2, twoColumns("z", "é"))),
                arguments("columns U+FF21 < U+1F600 (UTF-8 order, not UTF-16)", insertWithAfter(2, twoColumns("Ａ", "😀"))),
                arguments("empty column name sorts first", insertWithAfter(2, twoColumns("", "a"))),
                arguments("decimal 128 needs its leading 00", insertWithValue(value(DEC).i32(0).lp(0x00, 0x80))),
                arguments("decimal -129 needs its leading FF", insertWithValue(value(DEC).i32(0).lp(0xFF, 0x7F))),
                arguments("decimal 11E+5 (negative scale)", insertWithValue(value(DEC).i32(-5).lp(11))),
                arguments("decimal 1E+2147483648", insertWithValue(value(DEC).i32(Integer.MIN_VALUE).lp(1))),
                arguments("decimal 1E-2147483647", insertWithValue(value(DEC).i32(Integer.MAX_VALUE).lp(1))),
                arguments("canonical NaN", insertWithValue(value(FLT).i64(0x7ff8000000000000L))),
                arguments("+Infinity", insertWithValue(value(FLT).i64(0x7ff0000000000000L))),
                arguments("-0.0", insertWithValue(value(FLT).i64(0x8000000000000000L))),
                arguments("boolean 0", insertWithValue(value(BOOL).u8(0))),
                arguments("time 23:59:59.999999999", insertWithValue(value(TIME).i64(86_399_999_999_999L))),
                arguments("date LocalDate.MIN", insertWithValue(value(DATE).i64(LocalDate.MIN.toEpochDay()))),
                arguments("commit nanos 999999999", commitTime(0, 999_999_999)),
                arguments("commit at Instant.MAX", commitTime(Instant.MAX.getEpochSecond(), 999_999_999)),
                arguments("4-byte UTF-8 U+10FFFF", insertWithValue(value(TXT).lp(0xF4, 0x8F, 0xBF, 0xBF))),
                arguments("empty images for UPDATE", header(1, 1).u8(1, 2).str("t").i32(1).str("k").u8(0).i32(0).i32(0).build()),
                arguments("empty DDL object", ddl("", "DROP VIEW v")),
                arguments("no changes", header(Long.MAX_VALUE, 0).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void validNeighboursDecode(String name, byte[] b) {
        ValidateAgreement.check(b);
        LedgerEntry e = EntryCodec.decode(b);
        assertThat(EntryCodec.encode(e)).isEqualTo(b);
    }

    // ---- every rejection -------------------------------------------------------------------------------------

    static Stream<Arguments> malformedInputIsRejectedWithItsReason() {
        return Stream.of(
                arguments("empty input", new byte[0], "truncated"),
                arguments("unknown version 0", with(VALID, 0, 0), "unknown entry format version 0"),
                arguments("unknown version 2", with(VALID, 0, 2), "unknown entry format version 2"),
                arguments("seq 0", header(0, 0).build(), "seq must be >= 1, was 0"),
                arguments("seq negative", header(-1, 0).build(), "seq must be >= 1, was -1"),
                arguments("commit nanos 1_000_000_000", commitTime(0, 1_000_000_000), "nanoseconds out of range: 1000000000"),
                arguments("commit nanos negative", commitTime(0, -1), "nanoseconds out of range: -1"),
                arguments("commit after Instant.MAX", commitTime(Instant.MAX.getEpochSecond() + 1, 0), "instant out of range"),
                arguments("commit at Long.MIN_VALUE s", commitTime(Long.MIN_VALUE, 0), "instant out of range"),
                arguments("unknown change kind 0", header(1, 1).u8(0).i32(0).build(), "unknown change kind 0"),
                arguments("unknown change kind 3", header(1, 1).u8(3).i32(0).build(), "unknown change kind 3"),
                arguments("unknown op 0", rowChange(0, "t", bytes()), "unknown row operation 0"),
                arguments("unknown op 4", rowChange(4, "t", bytes()), "unknown row operation 4"),
                arguments("empty table name", rowChange(1, "", bytes().i32(1).str("k").u8(0)), "table name is empty"),
                arguments("empty key", rowChange(1, "t", bytes().i32(0)), "empty key"),
                arguments("empty DDL", ddl("v", ""), "DDL text is empty"),
                arguments("unknown value tag 11", insertWithValue(value(11)), "unknown value tag 11"),
                arguments("unknown value tag 255", insertWithValue(value(255)), "unknown value tag 255"),
                arguments("boolean byte 2", insertWithValue(value(BOOL).u8(2)), "boolean byte must be 0 or 1, was 2"),
                arguments("boolean byte 255", insertWithValue(value(BOOL).u8(255)), "boolean byte must be 0 or 1, was 255"),
                arguments("decimal 00 01 not minimal", insertWithValue(value(DEC).i32(0).lp(0x00, 0x01)), "not minimal"),
                arguments("decimal FF FF not minimal", insertWithValue(value(DEC).i32(0).lp(0xFF, 0xFF)), "not minimal"),
                arguments("decimal 00 00 not minimal", insertWithValue(value(DEC).i32(0).lp(0x00, 0x00)), "not minimal"),
                arguments("decimal with no digits", insertWithValue(value(DEC).i32(0).lp()), "no digits"),
                arguments("decimal unscaled 10 scale 1", insertWithValue(value(DEC).i32(1).lp(10)), "not normalised"),
                arguments("decimal unscaled 10 scale -3", insertWithValue(value(DEC).i32(-3).lp(10)), "not normalised"),
                arguments("decimal zero with scale 2", insertWithValue(value(DEC).i32(2).lp(0)), "not normalised"),
                arguments("NaN with payload 1", insertWithValue(value(FLT).i64(0x7ff8000000000001L)), "non-canonical NaN"),
                arguments("negative NaN", insertWithValue(value(FLT).i64(0xfff8000000000000L)), "non-canonical NaN"),
                arguments("signalling NaN", insertWithValue(value(FLT).i64(0x7ff0000000000001L)), "non-canonical NaN"),
                arguments("text C0 80 overlong NUL", insertWithValue(value(TXT).lp(0xC0, 0x80)), "not well-formed UTF-8"),
                arguments("text lone FF", insertWithValue(value(TXT).lp(0xFF)), "not well-formed UTF-8"),
                arguments("text CESU surrogate ED A0 80", insertWithValue(value(TXT).lp(0xED, 0xA0, 0x80)), "not well-formed UTF-8"),
                arguments("text CESU pair for U+10000", insertWithValue(value(TXT).lp(0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80)), "not well-formed UTF-8"),
                arguments("text beyond U+10FFFF", insertWithValue(value(TXT).lp(0xF4, 0x90, 0x80, 0x80)), "not well-formed UTF-8"),
                arguments("text lone continuation byte", insertWithValue(value(TXT).lp(0x61, 0x80)), "not well-formed UTF-8"),
                arguments("text truncated sequence", insertWithValue(value(TXT).lp(0xE2, 0x82)), "not well-formed UTF-8"),
                arguments("node id ED A0 80", bytes().u8(1).i64(1).lp(0xED, 0xA0, 0x80).build(), "not well-formed UTF-8"),
                arguments("table name C0 80", header(1, 1).u8(1, 1).lp(0xC0, 0x80).build(), "not well-formed UTF-8"),
                arguments("column name FF", insertWithAfter(1, bytes().lp(0xFF).u8(0)), "not well-formed UTF-8"),
                arguments("DDL text ED A0 80", header(1, 1).u8(Change.KIND_DDL).str("o").lp(0xED, 0xA0, 0x80).build(), "not well-formed UTF-8"),
                arguments("columns b, a", insertWithAfter(2, twoColumns("b", "a")), "column 'a' is out of canonical order"),
                arguments("columns é, z (UTF-16 order would also say é > z)", insertWithAfter(2, twoColumns("é", "z")), "out of canonical order"),
                arguments("columns U+1F600, U+FF21 (UTF-16 order)", insertWithAfter(2, twoColumns("😀", "Ａ")), "out of canonical order"),
                arguments("duplicate column a, a", insertWithAfter(2, twoColumns("a", "a")), "column 'a' is out of canonical order or repeated"),
                arguments("duplicate key column", rowChange(1, "t", bytes().i32(2).then(twoColumns("k", "k"))), "repeated"),
                arguments("time of day 86_400_000_000_000", insertWithValue(value(TIME).i64(86_400_000_000_000L)), "time of day out of range: 86400000000000"),
                arguments("time of day -1", insertWithValue(value(TIME).i64(-1)), "time of day out of range: -1"),
                arguments("date beyond LocalDate.MAX", insertWithValue(value(DATE).i64(LocalDate.MAX.toEpochDay() + 1)), "date out of range: epoch day 365241780472"),
                arguments("date before LocalDate.MIN", insertWithValue(value(DATE).i64(LocalDate.MIN.toEpochDay() - 1)), "date out of range"),
                arguments("date Long.MAX_VALUE", insertWithValue(value(DATE).i64(Long.MAX_VALUE)), "date out of range"),
                arguments("timestamp nanos 1e9", insertWithValue(value(TS).i64(0).i32(1_000_000_000)), "nanoseconds out of range"),
                arguments("timestamp after LocalDateTime.MAX", insertWithValue(value(TS).i64(LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC) + 1).i32(0)), "timestamp out of range"),
                arguments("timestamptz after Instant.MAX", insertWithValue(value(TSTZ).i64(Instant.MAX.getEpochSecond() + 1).i32(0)), "instant out of range"),
                arguments("timestamptz nanos -1", insertWithValue(value(TSTZ).i64(0).i32(-1)), "nanoseconds out of range"),
                arguments("node id length 2^32-1", bytes().u8(1).i64(1).i32(0xFFFFFFFFL).str("abc").build(), "a string needs 4294967295 bytes"),
                arguments("text length 2^32-1", insertWithValue(value(TXT).i32(0xFFFFFFFFL)), "a string needs 4294967295 bytes"),
                arguments("bytes length 2^32-1", insertWithValue(value(BIN).i32(0xFFFFFFFFL).u8(1, 2, 3)), "a byte string needs 4294967295 bytes"),
                arguments("decimal length 2^32-1", insertWithValue(value(DEC).i32(0).i32(0xFFFFFFFFL)), "a byte string needs 4294967295 bytes"),
                arguments("change count 2^31", header(1, 1L << 31).build(), "count 2147483648 cannot fit"),
                arguments("change count 2^32-1", header(1, 0xFFFFFFFFL).u8(2).str("").str("x").build(), "count 4294967295 cannot fit"),
                arguments("column count 2^31", insertWithAfter(Integer.MIN_VALUE, bytes()), "count 2147483648 cannot fit"),
                arguments("change count 2 but one change", header(1, 2).u8(2).str("o").str("DROP TABLE t").build(), "truncated"),
                arguments("truncated in the middle of an i64", Arrays.copyOf(VALID, VALID.length - 3), "truncated: a 32-bit integer needs 4 bytes, 1 left"),
                arguments("one trailing byte", Arrays.copyOf(VALID, VALID.length + 1), "1 trailing bytes after the entry"),
                arguments("two entries back to back", concat(VALID, VALID), VALID.length + " trailing bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void malformedInputIsRejectedWithItsReason(String name, byte[] b, String reason) {
        ValidateAgreement.check(b);
        assertThatThrownBy(() -> EntryCodec.decode(b))
                .as("%s: %s", name, hex(b))
                .isExactlyInstanceOf(MalformedEntryException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((MalformedEntryException) e).offset()).isBetween(0, b.length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    // ---- huge claims fail fast, without allocating what they claim ---------------------------------------

    static Stream<Arguments> hugeLengthOrCountFailsWithoutAllocating() {
        return Stream.of(
                arguments("string length 2^32-1", bytes().u8(1).i64(1).i32(0xFFFFFFFFL).build()),
                arguments("bytes length 2^31-1", insertWithValue(value(BIN).i32(Integer.MAX_VALUE))),
                arguments("change count 2^31", header(1, 1L << 31).build()),
                arguments("column count 2^32-1", insertWithAfter(-1, bytes())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void hugeLengthOrCountFailsWithoutAllocating(String name, byte[] b) {
        var threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported());
        var mx = (com.sun.management.ThreadMXBean) threads;
        mx.setThreadAllocatedMemoryEnabled(true);
        long tid = Thread.currentThread().getId();
        for (int warm = 0; warm < 3; warm++) { // first calls load classes; measure a steady call
            Assertions.assertThrows(MalformedEntryException.class, () -> EntryCodec.decode(b));
        }
        long before = mx.getThreadAllocatedBytes(tid);
        Assertions.assertTimeout(Duration.ofMillis(200),
                () -> Assertions.assertThrows(MalformedEntryException.class, () -> EntryCodec.decode(b)));
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(allocated).as("bytes allocated while rejecting %s", name).isLessThan(1 << 20);
    }

    // ---- regressions: both failed against EntryCodec.decimal() as first written (stripTrailingZeros check) --------

    /**
     * 10 x 10^2147483648 (scale Integer.MIN_VALUE, unscaled 10) is not canonical and must be rejected; checking it
     * with BigDecimal.stripTrailingZeros() threw ArithmeticException("Overflow") out of decode instead, because the
     * stripped form would need scale MIN_VALUE - 1.
     */
    @Test
    void decimalWithTrailingZeroAtMinimumScaleIsMalformedNotArithmeticException() {
        byte[] b = insertWithValue(value(DEC).i32(Integer.MIN_VALUE).lp(10));
        assertThatThrownBy(() -> EntryCodec.decode(b))
                .isExactlyInstanceOf(MalformedEntryException.class)
                .hasMessageContaining("not normalised");
    }

    /** stripTrailingZeros() divides by ten once per zero, quadratic in input size: this took 3.5 s for 41 KB. */
    @Test
    void decimalWithManyTrailingZerosIsRejectedQuickly() {
        byte[] unscaled = BigInteger.TEN.pow(100_000).toByteArray(); // 41 KB of input
        byte[] b = insertWithValue(value(DEC).i32(0).i32(unscaled.length).then(raw(unscaled)));
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertThatThrownBy(() -> EntryCodec.decode(b))
                .isExactlyInstanceOf(MalformedEntryException.class)
                .hasMessageContaining("not normalised"));
    }

    private static EntryBytes raw(byte[] b) {
        EntryBytes e = bytes();
        for (byte x : b) {
            e.u8(x & 0xFF);
        }
        return e;
    }

    @Test
    void decimalsAtTheScaleLimitsRoundTrip() {
        for (BigDecimal d : List.of(new BigDecimal(BigInteger.ONE, Integer.MIN_VALUE), new BigDecimal(BigInteger.valueOf(-7), Integer.MAX_VALUE),
                new BigDecimal(BigInteger.TEN.pow(40).add(BigInteger.ONE), Integer.MIN_VALUE))) {
            byte[] b = EntryBytes.encodedAlone(Value.of(d));
            assertThat(EntryCodec.decode(b)).isEqualTo(EntryBytes.insertEntry(Value.of(d)));
        }
    }
}
