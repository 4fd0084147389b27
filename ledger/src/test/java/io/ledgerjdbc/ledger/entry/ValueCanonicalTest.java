package io.ledgerjdbc.ledger.entry;

import static io.ledgerjdbc.ledger.entry.EntryBytes.encodedAlone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Values, rows and changes are canonical on construction: equal meaning, equal object, equal bytes. */
class ValueCanonicalTest {

    private static Value dec(String s) {
        return new Value.Decimal(new BigDecimal(s));
    }

    private static Value flt(long bits) {
        return new Value.Float(Double.longBitsToDouble(bits));
    }

    private static final Row KEY = Row.of("id", Value.of(1L));
    private static final Row ROW = Row.of("id", Value.of(1L), "v", Value.of("x"));

    // ---- same meaning: equal, same hash, same bytes --------------------------------------------------------

    static Stream<Arguments> sameMeaningIsSameValueAndSameBytes() {
        return Stream.of(
                arguments("decimal 1.0 = 1.00", dec("1.0"), dec("1.00")),
                arguments("decimal 1.0 = 1", dec("1.0"), dec("1")),
                arguments("decimal 0.000 = 0", dec("0.000"), dec("0")),
                arguments("decimal 0E+5 = 0", dec("0E+5"), dec("0")),
                arguments("decimal -0.00 = 0", dec("-0.00"), dec("0")),
                arguments("decimal 100 = 1E+2", dec("100"), dec("1E+2")),
                arguments("decimal -12.3400 = -12.34", dec("-12.3400"), dec("-12.34")),
                arguments("decimal 10^40 = 1E+40", new Value.Decimal(new BigDecimal(BigInteger.TEN.pow(40))), dec("1E+40")),
                arguments("NaN with payload 1 = canonical NaN", flt(0x7ff8000000000001L), new Value.Float(Double.NaN)),
                arguments("negative quiet NaN = canonical NaN", flt(0xfff8000000000000L), new Value.Float(Double.NaN)),
                arguments("signalling NaN = canonical NaN", flt(0x7ff0000000000001L), new Value.Float(Double.NaN)),
                arguments("all-ones NaN = canonical NaN", flt(0xffffffffffffffffL), Value.of(Double.NaN)),
                arguments("timestamptz written at +02:00 = same instant at UTC",
                        Value.of(OffsetDateTime.of(2024, 3, 1, 12, 0, 0, 5, ZoneOffset.ofHours(2)).toInstant()),
                        Value.of(OffsetDateTime.of(2024, 3, 1, 10, 0, 0, 5, ZoneOffset.UTC).toInstant())),
                arguments("bytes compare by content", new Value.Bytes(new byte[] {1, 2}), Value.of(new byte[] {1, 2})),
                arguments("Value.of(long) = new Int", Value.of(Long.MIN_VALUE), new Value.Int(Long.MIN_VALUE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void sameMeaningIsSameValueAndSameBytes(String name, Value a, Value b) {
        assertThat(a).isEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(encodedAlone(a)).isEqualTo(encodedAlone(b));
    }

    // ---- different meaning: different value, different bytes -----------------------------------------------

    static Stream<Arguments> differentMeaningIsDifferentValueAndBytes() {
        return Stream.of(
                arguments("-0.0 vs 0.0", Value.of(-0.0), Value.of(0.0)),
                arguments("é precomposed vs e + combining acute", Value.of("\u00e9"), Value.of("e\u0301")),
                arguments("Å U+00C5 vs Angstrom sign U+212B", Value.of("\u00c5"), Value.of("\u212b")),
                arguments("fi vs ligature ﬁ (no NFKC)", Value.of("fi"), Value.of("\ufb01")),
                arguments("text a vs A", Value.of("a"), Value.of("A")),
                arguments("decimal 1 vs integer 1", dec("1"), Value.of(1L)),
                arguments("decimal 1 vs float 1.0", dec("1"), Value.of(1.0)),
                arguments("decimal 1.1 vs 1.10000000000000000001", dec("1.1"), dec("1.10000000000000000001")),
                arguments("decimal 1E+2 vs 1E-2", dec("1E+2"), dec("1E-2")),
                arguments("empty text vs NULL", Value.of(""), Value.NULL),
                arguments("empty bytes vs NULL", Value.of(new byte[0]), Value.NULL),
                arguments("empty bytes vs empty text", Value.of(new byte[0]), Value.of("")),
                arguments("NaN vs +Infinity", Value.of(Double.NaN), Value.of(Double.POSITIVE_INFINITY)),
                arguments("timestamp vs timestamptz at the same numbers",
                        Value.of(LocalDateTime.of(1970, 1, 1, 0, 0)), Value.of(Instant.EPOCH)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void differentMeaningIsDifferentValueAndBytes(String name, Value a, Value b) {
        assertThat(a).isNotEqualTo(b);
        assertThat(encodedAlone(a)).isNotEqualTo(encodedAlone(b));
    }

    // ---- the canonical form itself -------------------------------------------------------------------------

    static Stream<Arguments> decimalIsKeptWithoutTrailingZeros() {
        return Stream.of(
                arguments("1.00", 1L, 0), arguments("100", 1L, -2), arguments("0.000", 0L, 0), arguments("0E-7", 0L, 0),
                arguments("-12.3400", -1234L, 2), arguments("1E+2", 1L, -2), arguments("0.10", 1L, 1), arguments("7", 7L, 0));
    }

    @ParameterizedTest(name = "{0} -> {1} scale {2}")
    @MethodSource
    void decimalIsKeptWithoutTrailingZeros(String input, long unscaled, int scale) {
        BigDecimal d = ((Value.Decimal) dec(input)).value();
        assertThat(d.unscaledValue()).isEqualTo(BigInteger.valueOf(unscaled));
        assertThat(d.scale()).isEqualTo(scale);
    }

    @Test
    void everyNanIsStoredAsTheOneQuietNan() {
        for (long bits : new long[] {0x7ff8000000000001L, 0xfff8000000000000L, 0x7ff0000000000001L, 0xffffffffffffffffL, 0x7ff8000000000000L}) {
            assertThat(Double.doubleToRawLongBits(((Value.Float) flt(bits)).value())).isEqualTo(0x7ff8000000000000L);
        }
        assertThat(Double.doubleToRawLongBits(((Value.Float) Value.of(-0.0)).value())).isEqualTo(0x8000000000000000L);
    }

    @Test
    void textKeepsItsCodePointsThroughTheCodec() {
        for (String s : List.of("e\u0301", "\u00e9", "\u212b", "\ufb01", "😀", "a\u0000b", "")) {
            LedgerEntry decoded = EntryCodec.decode(encodedAlone(Value.of(s)));
            Value v = ((RowChange) decoded.changes().get(0)).after().get("v");
            assertThat(((Value.Text) v).value()).isEqualTo(s);
        }
    }

    // ---- unpaired surrogates have no UTF-8 form and are refused everywhere -------------------------------

    static Stream<Arguments> unpairedSurrogateIsRejected() {
        return Stream.of(
                arguments("text lone high", (ThrowingCallable) () -> new Value.Text("\ud800")),
                arguments("text high at the end", (ThrowingCallable) () -> Value.of("abc\udbff")),
                arguments("text lone low", (ThrowingCallable) () -> new Value.Text("\udc00x")),
                arguments("text reversed pair", (ThrowingCallable) () -> new Value.Text("\ude00\ud83d")),
                arguments("text high, high, low", (ThrowingCallable) () -> new Value.Text("\ud83d\ud83d\ude00")),
                arguments("table name", (ThrowingCallable) () -> RowChange.insert("t\ud800", KEY, ROW)),
                arguments("table name lone low", (ThrowingCallable) () -> RowChange.delete("\udfff", KEY, ROW)),
                arguments("column name via builder", (ThrowingCallable) () -> Row.builder().put("c\udc00", Value.NULL)),
                arguments("column name via Row.of", (ThrowingCallable) () -> Row.of("\ud800", Value.of(1L))),
                arguments("column name via Row.of(Map)", (ThrowingCallable) () -> Row.of(Map.of("x\udbff", Value.NULL))),
                arguments("DDL object", (ThrowingCallable) () -> new DdlChange("t\ud800", "DROP TABLE t")),
                arguments("DDL text", (ThrowingCallable) () -> new DdlChange("t", "DROP TABLE \udc00")),
                arguments("origin node", (ThrowingCallable) () -> new LedgerEntry(1, "n\ud800", Instant.EPOCH, "t", List.of())),
                arguments("tx id", (ThrowingCallable) () -> new LedgerEntry(1, "n", Instant.EPOCH, "\udc00", List.of())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void unpairedSurrogateIsRejected(String where, ThrowingCallable construct) {
        assertThatThrownBy(construct).isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }

    @Test
    void pairedSurrogatesAreAcceptedEverywhereAndRoundTrip() {
        String s = "\ud83d\ude00";
        LedgerEntry e = new LedgerEntry(1, s, Instant.EPOCH, s, List.of(
                RowChange.insert(s, Row.of(s, Value.of(s)), Row.of(s, Value.of(s))), new DdlChange(s, s)));
        assertThat(EntryCodec.decode(EntryCodec.encode(e))).isEqualTo(e);
    }

    // ---- bytes cannot change after they are recorded --------------------------------------------------------

    @Test
    void bytesValueIsCopiedOnTheWayInAndOut() {
        byte[] input = {1, 2, 3};
        Value.Bytes v = new Value.Bytes(input);
        Value viaOf = Value.of(input);
        byte[] encodedBefore = encodedAlone(v);
        input[0] = 9;
        assertThat(v.value()).containsExactly(1, 2, 3);
        assertThat(((Value.Bytes) viaOf).value()).containsExactly(1, 2, 3);
        byte[] out = v.value();
        out[1] = 9;
        assertThat(v.value()).containsExactly(1, 2, 3);
        assertThat(v).isEqualTo(new Value.Bytes(new byte[] {1, 2, 3}));
        assertThat(encodedAlone(v)).isEqualTo(encodedBefore);
    }

    @Test
    void decodedBytesValueCannotBeChangedThroughItsAccessor() {
        byte[] encoded = encodedAlone(Value.of(new byte[] {4, 5, 6}));
        LedgerEntry decoded = EntryCodec.decode(encoded);
        Value.Bytes v = (Value.Bytes) ((RowChange) decoded.changes().get(0)).after().get("v");
        v.value()[0] = 0;
        assertThat(v.value()).containsExactly(4, 5, 6);
        assertThat(EntryCodec.encode(decoded)).isEqualTo(encoded);
    }

    // ---- rows -----------------------------------------------------------------------------------------------

    @Test
    void rowColumnOrderIsUnsignedUtf8OrderWhateverTheInsertionOrder() {
        // U+FF21 sorts before U+1F600 in UTF-8 but after it in UTF-16 (String.compareTo), so this bites.
        List<String> canonical = List.of("", "B", "a", "b", "z", "\u00e9", "\uff21", "\ud83d\ude00");
        assertThat("\ud83d\ude00".compareTo("\uff21")).isNegative();
        Random random = new Random(7);
        byte[] expectedBytes = null;
        for (int round = 0; round < 50; round++) {
            List<String> names = new ArrayList<>(canonical);
            Collections.shuffle(names, random);
            Row.Builder b = Row.builder();
            Map<String, Value> map = new LinkedHashMap<>();
            for (String n : names) {
                b.put(n, Value.of(n));
                map.put(n, Value.of(n));
            }
            Row row = b.build();
            assertThat(row.names()).containsExactlyElementsOf(canonical);
            assertThat(Row.of(map)).isEqualTo(row);
            byte[] bytes = EntryCodec.encode(new LedgerEntry(1, "n", Instant.EPOCH, "t", List.of(RowChange.insert("t", row, row))));
            if (expectedBytes == null) {
                expectedBytes = bytes;
            }
            assertThat(bytes).isEqualTo(expectedBytes);
        }
    }

    static Stream<Arguments> duplicateColumnNameIsRejected() {
        return Stream.of(
                arguments("builder", (ThrowingCallable) () -> Row.builder().put("a", Value.NULL).put("b", Value.NULL).put("a", Value.of(1L)).build()),
                arguments("Row.of pairs", (ThrowingCallable) () -> Row.of("x", Value.NULL, "x", Value.NULL)),
                arguments("supplementary name", (ThrowingCallable) () -> Row.of("\ud83d\ude00", Value.NULL, "\ud83d\ude00", Value.NULL)),
                arguments("empty name twice", (ThrowingCallable) () -> Row.of("", Value.NULL, "", Value.of(1L))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void duplicateColumnNameIsRejected(String how, ThrowingCallable build) {
        assertThatThrownBy(build).isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate column name");
    }

    @Test
    void namesDifferingOnlyInCaseOrNormalisationAreDistinctColumns() {
        assertThat(Row.of("a", Value.NULL, "A", Value.NULL).size()).isEqualTo(2);
        assertThat(Row.of("\u00e9", Value.NULL, "e\u0301", Value.NULL).size()).isEqualTo(2);
    }

    // ---- row changes ----------------------------------------------------------------------------------------

    static Stream<Arguments> invalidRowChangeIsRejected() {
        return Stream.of(
                arguments("INSERT with before image", (ThrowingCallable) () -> new RowChange("t", Operation.INSERT, KEY, ROW, ROW), "INSERT must not have a before image"),
                arguments("INSERT without after image", (ThrowingCallable) () -> new RowChange("t", Operation.INSERT, KEY, null, null), "INSERT needs an after image"),
                arguments("DELETE with after image", (ThrowingCallable) () -> new RowChange("t", Operation.DELETE, KEY, ROW, ROW), "DELETE must not have an after image"),
                arguments("DELETE without before image", (ThrowingCallable) () -> new RowChange("t", Operation.DELETE, KEY, null, null), "DELETE needs a before image"),
                arguments("UPDATE without before image", (ThrowingCallable) () -> new RowChange("t", Operation.UPDATE, KEY, null, ROW), "UPDATE needs a before image"),
                arguments("UPDATE without after image", (ThrowingCallable) () -> new RowChange("t", Operation.UPDATE, KEY, ROW, null), "UPDATE needs an after image"),
                arguments("empty key", (ThrowingCallable) () -> RowChange.insert("t", Row.empty(), ROW), "key of at least one column"),
                arguments("empty key from Row.of()", (ThrowingCallable) () -> RowChange.delete("t", Row.of(), ROW), "key of at least one column"),
                arguments("empty table name", (ThrowingCallable) () -> RowChange.insert("", KEY, ROW), "table name is empty"),
                arguments("empty DDL", (ThrowingCallable) () -> new DdlChange("t", ""), "DDL text is empty"),
                arguments("seq 0", (ThrowingCallable) () -> new LedgerEntry(0, "n", Instant.EPOCH, "t", List.of()), "seq must be >= 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void invalidRowChangeIsRejected(String name, ThrowingCallable construct, String reason) {
        assertThatThrownBy(construct).isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }

    @Test
    void validRowChangesOfEachOperationAreAccepted() {
        assertThatCode(() -> {
            RowChange.insert("t", KEY, ROW);
            RowChange.update("t", KEY, ROW, ROW);
            RowChange.delete("t", KEY, ROW);
            RowChange.update("t", KEY, Row.empty(), Row.empty());
        }).doesNotThrowAnyException();
    }

    // ---- bug: Value.Decimal.toString() cannot print every valid decimal -------------------------------------

    /**
     * 1E+2147483648 is a valid, canonical, encodable decimal (EntryCodec round-trips it), but Value.Decimal.toString()
     * uses toPlainString(), which throws ArithmeticException("Overflow") at scale Integer.MIN_VALUE and tries to
     * build a string of -scale digits for any large negative scale (OutOfMemoryError at 1E+300000000 on a 512 MiB
     * heap). Logging an entry holding such a value (LedgerEntry/Row.toString) blows up.
     */
    @Test
    void decimalAtTheMinimumScaleCanBePrinted() {
        Value v = new Value.Decimal(new BigDecimal(BigInteger.ONE, Integer.MIN_VALUE));
        assertThatCode(v::toString).doesNotThrowAnyException();
    }

    @Test
    void decimalWithHugeExponentPrintsCompactly() {
        Value v = new Value.Decimal(new BigDecimal(BigInteger.ONE, -10_000_000));
        assertThat(v.toString()).hasSizeLessThan(1_000);
    }
}
