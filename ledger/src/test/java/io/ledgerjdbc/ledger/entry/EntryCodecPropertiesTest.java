package io.ledgerjdbc.ledger.entry;

import static io.ledgerjdbc.ledger.entry.EntryBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/** Round trip, canonicality and robustness of {@link EntryCodec} over arbitrary entries and arbitrary bytes. */
class EntryCodecPropertiesTest {

    // ---- properties ------------------------------------------------------------------------------------------

    @Property(tries = 400)
    void decodeInvertsEncodeAndEncodingIsCanonical(@ForAll("entries") Sample sample) {
        LedgerEntry e = sample.entry();
        byte[] b = EntryCodec.encode(e);
        LedgerEntry decoded = EntryCodec.decode(b);
        ValidateAgreement.check(b);
        assertThat(decoded.equals(e)).as("decoded entry equals the original").isTrue(); // not isEqualTo: see Sample
        assertThat(decoded.hashCode()).isEqualTo(e.hashCode());
        assertThat(EntryCodec.encode(decoded)).isEqualTo(b);
    }

    @Property(tries = 200)
    void encodingDoesNotDependOnColumnInsertionOrder(@ForAll("smallEntries") Sample sample, @ForAll Random random) {
        LedgerEntry e = sample.entry();
        List<Change> reordered = new ArrayList<>();
        for (Change c : e.changes()) {
            reordered.add(c instanceof RowChange rc
                    ? new RowChange(rc.table(), rc.op(), shuffled(rc.key(), random), shuffled(rc.before(), random), shuffled(rc.after(), random))
                    : c);
        }
        LedgerEntry rebuilt = new LedgerEntry(e.seq(), e.originNode(), e.commitTime(), e.txId(), reordered);
        assertThat(rebuilt.equals(e)).as("rebuilt entry equals the original").isTrue();
        assertThat(EntryCodec.encode(rebuilt)).isEqualTo(EntryCodec.encode(e));
    }

    @Property(tries = 200)
    void everyStrictPrefixIsRejected(@ForAll("smallEntries") Sample sample) {
        LedgerEntry e = sample.entry();
        byte[] b = EntryCodec.encode(e);
        for (int k = 0; k < b.length; k++) {
            assertMalformed(Arrays.copyOf(b, k));
        }
    }

    @Property(tries = 200)
    void anyTrailingBytesAreRejected(@ForAll("smallEntries") Sample sample) {
        LedgerEntry e = sample.entry();
        byte[] b = EntryCodec.encode(e);
        byte[] longer = Arrays.copyOf(b, b.length + 1);
        for (int x = 0; x < 256; x++) {
            longer[b.length] = (byte) x;
            assertMalformed(longer);
        }
        byte[] twice = Arrays.copyOf(b, 2 * b.length);
        System.arraycopy(b, 0, twice, b.length, b.length);
        assertMalformed(twice);
    }

    /** Each byte replaced by every bit flip, by each of a set of structurally interesting values and by a random one. */
    @Property(tries = 250)
    void singleByteChangesAreRejectedOrDecodeToExactlyThoseBytes(@ForAll("smallEntries") Sample sample, @ForAll Random random) {
        LedgerEntry e = sample.entry();
        byte[] b = EntryCodec.encode(e);
        boolean decodedSome = false;
        int[] interesting = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x14, 0x7F, 0x80, 0xC0, 0xED, 0xF6, 0xFE, 0xFF};
        for (int pos = 0; pos < b.length; pos++) {
            byte original = b[pos];
            for (int bit = 0; bit < 8; bit++) {
                b[pos] = (byte) (original ^ (1 << bit));
                decodedSome |= assertRejectedOrCanonical(b);
            }
            for (int v : interesting) {
                b[pos] = (byte) v;
                decodedSome |= assertRejectedOrCanonical(b);
            }
            b[pos] = (byte) random.nextInt(256);
            decodedSome |= assertRejectedOrCanonical(b);
            b[pos] = original;
        }
        Statistics.label("outcome").collect(decodedSome ? "some change decoded" : "all rejected");
        Statistics.label("outcome").coverage(c -> c.check("some change decoded").percentage(p -> p > 20));
    }

    /** Exhaustive: every position, all 255 other byte values, for entries of a few hundred bytes. */
    @Property(tries = 60)
    void everyPossibleSingleByteSubstitutionIsRejectedOrCanonical(@ForAll("tinyEntries") Sample sample) {
        LedgerEntry e = sample.entry();
        byte[] b = EntryCodec.encode(e);
        for (int pos = 0; pos < b.length; pos++) {
            byte original = b[pos];
            for (int v = 0; v < 256; v++) {
                if ((byte) v != original) {
                    b[pos] = (byte) v;
                    assertRejectedOrCanonical(b);
                }
            }
            b[pos] = original;
        }
    }

    @Property(tries = 3000)
    void garbageIsRejectedOrCanonical(@ForAll("garbage") byte[] b) {
        assertRejectedOrCanonical(b);
    }

    @Property(tries = 300)
    void splicingRandomBytesIntoAnEncodingIsRejectedOrCanonical(@ForAll("smallEntries") Sample sample, @ForAll Random random,
                                                               @ForAll @IntRange(min = 1, max = 12) int length) {
        LedgerEntry e = sample.entry();
        byte[] b = EntryCodec.encode(e);
        for (int i = 0; i < 20; i++) {
            byte[] m = b.clone();
            int at = random.nextInt(m.length);
            for (int k = at; k < Math.min(m.length, at + length); k++) {
                m[k] = (byte) (random.nextBoolean() ? random.nextInt(256) : random.nextInt(12));
            }
            assertRejectedOrCanonical(m);
        }
    }

    // ---- checks ----------------------------------------------------------------------------------------------

    static void assertMalformed(byte[] b) {
        ValidateAgreement.check(b);
        assertThatThrownBy(() -> EntryCodec.decode(b)).as(hex(b)).isExactlyInstanceOf(MalformedEntryException.class);
    }

    /** Either MalformedEntryException, or a whole entry that re-encodes to exactly these bytes; nothing else. */
    static boolean assertRejectedOrCanonical(byte[] b) {
        ValidateAgreement.check(b);
        LedgerEntry decoded;
        try {
            decoded = EntryCodec.decode(b);
        } catch (MalformedEntryException expected) {
            assertThat(expected.offset()).isBetween(0, b.length);
            return false;
        } catch (Throwable t) {
            throw new AssertionError("decode threw " + t + " instead of MalformedEntryException for input " + hex(b), t);
        }
        assertThat(EntryCodec.encode(decoded)).as("re-encoding of the entry decoded from %s", hex(b)).isEqualTo(b);
        return true;
    }

    private static Row shuffled(Row row, Random random) {
        if (row == null) {
            return null;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        Row.Builder b = Row.builder();
        order.forEach(i -> b.put(row.name(i), row.value(i)));
        return b.build();
    }

    // ---- generators ------------------------------------------------------------------------------------------

    /**
     * An entry that jqwik reports by its encoding: Value.Decimal.toString() cannot print every valid decimal
     * (see ValueCanonicalTest), and the encoding is the exact input to reproduce a failure anyway.
     */
    record Sample(LedgerEntry entry) {
        @Override
        public String toString() {
            return "entry encoded as " + hex(EntryCodec.encode(entry));
        }
    }

    @Provide
    Arbitrary<Sample> entries() {
        return entries(Size.NORMAL).map(Sample::new);
    }

    @Provide
    Arbitrary<Sample> smallEntries() {
        return entries(Size.SMALL).map(Sample::new);
    }

    @Provide
    Arbitrary<Sample> tinyEntries() {
        return entries(Size.TINY).filter(e -> EntryCodec.encode(e).length <= 400).map(Sample::new);
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> lowBytes = Arbitraries.integers().between(0, 11).map(Integer::byteValue)
                .array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> versioned = Arbitraries.oneOf(random, lowBytes).map(b -> {
            byte[] c = new byte[b.length + 1];
            c[0] = EntryCodec.VERSION;
            System.arraycopy(b, 0, c, 1, b.length);
            return c;
        });
        return Arbitraries.frequencyOf(Tuple.of(1, random), Tuple.of(3, versioned));
    }

    private enum Size { TINY, SMALL, NORMAL }

    static Arbitrary<LedgerEntry> entries(Size size) {
        int maxChanges = size == Size.NORMAL ? 6 : size == Size.SMALL ? 3 : 2;
        Arbitrary<Long> seq = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(1, Long.MAX_VALUE)),
                Tuple.of(1, Arbitraries.of(1L, 2L, Long.MAX_VALUE)));
        return Combinators.combine(seq, text(size == Size.TINY ? 3 : 10), instants(), text(size == Size.TINY ? 3 : 10),
                        changes(size).list().ofMaxSize(maxChanges))
                .as(LedgerEntry::new);
    }

    static Arbitrary<Change> changes(Size size) {
        Arbitrary<String> table = text(size == Size.TINY ? 3 : 8).filter(s -> !s.isEmpty());
        Arbitrary<Row> image = Arbitraries.frequencyOf(Tuple.of(6, rows(size)), Tuple.of(1, Arbitraries.just(Row.empty())));
        Arbitrary<Change> row = Combinators.combine(table, Arbitraries.of(Operation.class), rows(size), image, image)
                .as((t, op, key, before, after) -> new RowChange(t, op, key, op.hasBefore ? before : null, op.hasAfter ? after : null));
        Arbitrary<Change> ddl = Combinators.combine(text(8), text(size == Size.TINY ? 6 : 30).filter(s -> !s.isBlank()))
                .as(DdlChange::new);
        return Arbitraries.frequencyOf(Tuple.of(4, row), Tuple.of(1, ddl));
    }

    static Arbitrary<Row> rows(Size size) {
        int maxColumns = size == Size.TINY ? 3 : 8;
        return Combinators.combine(text(size == Size.TINY ? 2 : 6).list().uniqueElements().ofMinSize(1).ofMaxSize(maxColumns),
                        values(size).list().ofSize(maxColumns))
                .as((names, values) -> {
                    Row.Builder b = Row.builder();
                    for (int i = 0; i < names.size(); i++) {
                        b.put(names.get(i), values.get(i));
                    }
                    return b.build();
                });
    }

    static Arbitrary<Value> values(Size size) {
        return Arbitraries.oneOf(List.of(
                Arbitraries.just(Value.NULL),
                Arbitraries.longs().map(v -> (Value) new Value.Int(v)),
                decimals(size).map(v -> (Value) new Value.Decimal(v)),
                doubles().map(v -> (Value) new Value.Float(v)),
                text(size == Size.TINY ? 3 : 24).map(v -> (Value) new Value.Text(v)),
                byteArrays(size).map(v -> (Value) new Value.Bytes(v)),
                Arbitraries.of(true, false).map(v -> (Value) new Value.Bool(v)),
                dates().map(v -> (Value) new Value.Date(v)),
                times().map(v -> (Value) new Value.Time(v)),
                timestamps().map(v -> (Value) new Value.Timestamp(v)),
                instants().map(v -> (Value) new Value.TimestampTz(v))));
    }

    /** Unicode text: ASCII, the BMP outside the surrogates, supplementary planes, and a few fixed tricky strings. */
    static Arbitrary<String> text(int maxCodePoints) {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(1, Arbitraries.integers().between(0, 0x1F)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
                Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        Arbitrary<String> random = codePoint.list().ofMaxSize(maxCodePoints).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
        Arbitrary<String> fixed = Arbitraries.of("", " ", "é", "e\u0301", "😀", "\u0000", "\uFFFF", "Ａ", "\uDBFF\uDFFF", "a\u0000b");
        return Arbitraries.frequencyOf(Tuple.of(6, random), Tuple.of(1, fixed));
    }

    /** Already-canonical decimals at every scale including the int limits, plus some with trailing zeros to strip. */
    static Arbitrary<BigDecimal> decimals(Size size) {
        Arbitrary<BigInteger> unscaled = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.longs().between(-1000, 1000).map(BigInteger::valueOf)),
                Tuple.of(2, Arbitraries.longs().map(BigInteger::valueOf)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(size == Size.NORMAL ? 200 : 20)
                        .map(BigInteger::new)));
        Arbitrary<Integer> scale = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(-20, 20)),
                Tuple.of(2, Arbitraries.integers()),
                Tuple.of(2, Arbitraries.of(Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE, Integer.MAX_VALUE - 1)));
        Arbitrary<BigDecimal> canonical = Combinators.combine(unscaled, scale).as((u, s) -> new BigDecimal(withoutTrailingZeros(u), s));
        Arbitrary<BigDecimal> withZeros = Combinators.combine(unscaled, Arbitraries.integers().between(1, 6), Arbitraries.integers().between(-20, 20))
                .as((u, zeros, s) -> new BigDecimal(u.multiply(BigInteger.TEN.pow(zeros)), s));
        return Arbitraries.frequencyOf(Tuple.of(3, canonical), Tuple.of(1, withZeros));
    }

    private static BigInteger withoutTrailingZeros(BigInteger u) {
        while (u.signum() != 0 && u.mod(BigInteger.TEN).signum() == 0) {
            u = u.divide(BigInteger.TEN);
        }
        return u;
    }

    static Arbitrary<Double> doubles() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.doubles()),
                Tuple.of(2, Arbitraries.longs().map(Double::longBitsToDouble)), // every bit pattern, NaN payloads included
                Tuple.of(2, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                        Double.MIN_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL,
                        Double.longBitsToDouble(0x7ff8000000000001L), Double.longBitsToDouble(0xfff0000000000001L))));
    }

    static Arbitrary<byte[]> byteArrays(Size size) {
        Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(size == Size.TINY ? 4 : 32);
        if (size != Size.NORMAL) {
            return small;
        }
        Arbitrary<byte[]> large = Combinators.combine(Arbitraries.integers().between(1 << 10, 1 << 17), Arbitraries.longs())
                .as((n, seed) -> {
                    byte[] b = new byte[n];
                    new Random(seed).nextBytes(b);
                    return b;
                });
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(new byte[0])), Tuple.of(6, small), Tuple.of(1, large));
    }

    static Arbitrary<LocalDate> dates() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(LocalDate.MIN.toEpochDay(), LocalDate.MAX.toEpochDay()).map(LocalDate::ofEpochDay)),
                Tuple.of(1, Arbitraries.of(LocalDate.MIN, LocalDate.MAX, LocalDate.EPOCH, LocalDate.of(0, 1, 1))));
    }

    static Arbitrary<LocalTime> times() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(0, LocalTime.MAX.toNanoOfDay()).map(LocalTime::ofNanoOfDay)),
                Tuple.of(1, Arbitraries.of(LocalTime.MIDNIGHT, LocalTime.MAX, LocalTime.NOON)));
    }

    static Arbitrary<LocalDateTime> timestamps() {
        Arbitrary<LocalDateTime> any = Combinators.combine(
                        Arbitraries.longs().between(LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC), LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC)),
                        nanos())
                .as((s, n) -> LocalDateTime.ofEpochSecond(s, n, ZoneOffset.UTC));
        return Arbitraries.frequencyOf(Tuple.of(3, any), Tuple.of(1, Arbitraries.of(LocalDateTime.MIN, LocalDateTime.MAX,
                LocalDateTime.of(1970, 1, 1, 0, 0), LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999))));
    }

    static Arbitrary<Instant> instants() {
        Arbitrary<Instant> any = Combinators.combine(
                        Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()), nanos())
                .as(Instant::ofEpochSecond);
        return Arbitraries.frequencyOf(Tuple.of(3, any),
                Tuple.of(1, Arbitraries.of(Instant.MIN, Instant.MAX, Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999))));
    }

    private static Arbitrary<Integer> nanos() {
        return Arbitraries.integers().between(0, 999_999_999);
    }
}
