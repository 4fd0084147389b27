package io.ledgerjdbc.ledger.entry;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The canonical binary encoding of a {@link LedgerEntry}, version 1 (docs/ledger-format.md is the spec).
 * All integers are fixed-width big-endian, strings are a u32 byte length and UTF-8, images list their
 * columns in canonical order. Every logical entry has exactly one encoding, and {@link #decode} accepts only
 * that one: it rejects unknown versions and tags, truncation, trailing bytes, out-of-order or duplicate
 * columns, non-minimal or non-normalised decimals, non-canonical NaNs, invalid UTF-8 and out-of-range dates.
 * Thread-safe: no shared mutable state.
 */
public final class EntryCodec {

    public static final int VERSION = 1;

    private EntryCodec() {
    }

    public static byte[] encode(LedgerEntry entry) {
        Writer w = new Writer(256);
        w.u8(VERSION);
        w.i64(entry.seq());
        w.str(entry.originNode());
        w.i64(entry.commitTime().getEpochSecond());
        w.i32(entry.commitTime().getNano());
        w.str(entry.txId());
        w.i32(entry.changes().size());
        for (Change c : entry.changes()) {
            if (c instanceof RowChange rc) {
                w.u8(Change.KIND_ROW);
                w.u8(rc.op().code);
                w.str(rc.table());
                w.image(rc.key());
                if (rc.op().hasBefore) {
                    w.image(rc.before());
                }
                if (rc.op().hasAfter) {
                    w.image(rc.after());
                }
            } else if (c instanceof DdlChange ddl) {
                w.u8(Change.KIND_DDL);
                w.str(ddl.object());
                w.str(ddl.sql());
            }
        }
        return w.toByteArray();
    }

    /** Decodes one entry; throws {@link MalformedEntryException} unless the bytes are exactly one canonical entry. */
    public static LedgerEntry decode(byte[] bytes) {
        Reader r = new Reader(bytes);
        long seq = header(r);
        String origin = r.str();
        Instant commitTime = r.instant();
        String txId = r.str();
        int count = r.count(2);
        List<Change> changes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            changes.add(r.change());
        }
        if (r.pos != bytes.length) {
            throw r.error((bytes.length - r.pos) + " trailing bytes after the entry");
        }
        return new LedgerEntry(seq, origin, commitTime, txId, changes);
    }

    /** The format version (which must be this one) and the seq (which must be positive) that open every entry. */
    private static long header(Reader r) {
        int version = r.u8();
        if (version != VERSION) {
            throw r.error("unknown entry format version " + version);
        }
        long seq = r.i64();
        if (seq < 1) {
            throw r.error("seq must be >= 1, was " + seq);
        }
        return seq;
    }

    /**
     * The canonical bytes of one image (the {@code image} production of the entry encoding): equal rows give
     * equal bytes, so tools can compare or hash rows without holding them (the state check does).
     */
    public static byte[] encodeImage(Row row) {
        Writer w = new Writer(64);
        w.image(row);
        return w.toByteArray();
    }

    /** The row {@link #encodeImage} encoded; {@link MalformedEntryException} unless the bytes are exactly one image. */
    public static Row decodeImage(byte[] bytes) {
        Reader r = new Reader(bytes);
        Row row = r.image();
        if (r.pos != bytes.length) {
            throw r.error((bytes.length - r.pos) + " trailing bytes after the image");
        }
        return row;
    }

    /**
     * Checks that {@code bytes} are exactly one canonical entry, as {@link #decode} does (the same
     * {@link MalformedEntryException}, message and position for the same bytes), and records where its parts
     * lie in {@code into} instead of building rows and values: a verification pass over a whole ledger allocates
     * next to nothing per entry.
     */
    public static void validate(byte[] bytes, EncodedEntry into) {
        into.reset(bytes);
        Reader r = new Reader(bytes);
        long seq = header(r);
        into.seq(seq);
        r.skipStr();
        r.instant();
        r.skipStr();
        int count = r.count(2);
        for (int i = 0; i < count; i++) {
            r.skipChange(into);
        }
        if (r.pos != bytes.length) {
            throw r.error((bytes.length - r.pos) + " trailing bytes after the entry");
        }
    }

    private static final class Writer {
        private byte[] buf;
        private int pos;

        Writer(int capacity) {
            buf = new byte[capacity];
        }

        private void ensure(int more) {
            if (pos + more > buf.length) {
                long wanted = Math.max((long) buf.length * 2, (long) pos + more);
                if (wanted > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("entry larger than 2 GiB cannot be encoded");
                }
                buf = Arrays.copyOf(buf, (int) wanted);
            }
        }

        void u8(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
        }

        void i32(int v) {
            ensure(4);
            buf[pos++] = (byte) (v >>> 24);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        void i64(long v) {
            i32((int) (v >>> 32));
            i32((int) v);
        }

        void bytes(byte[] b) {
            i32(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void str(String s) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        void image(Row row) {
            i32(row.size());
            for (int i = 0; i < row.size(); i++) {
                bytes(row.utf8Name(i));
                value(row.value(i));
            }
        }

        void value(Value v) {
            u8(v.type().tag);
            switch (v.type()) {
                case NULL -> { }
                case INTEGER -> i64(((Value.Int) v).value());
                case DECIMAL -> {
                    BigDecimal d = ((Value.Decimal) v).value();
                    i32(d.scale());
                    bytes(d.unscaledValue().toByteArray());
                }
                case FLOAT -> i64(Double.doubleToRawLongBits(((Value.Float) v).value()));
                case TEXT -> str(((Value.Text) v).value());
                case BYTES -> bytes(((Value.Bytes) v).unsafeArray());
                case BOOLEAN -> u8(((Value.Bool) v).value() ? 1 : 0);
                case DATE -> i64(((Value.Date) v).value().toEpochDay());
                case TIME -> i64(((Value.Time) v).value().toNanoOfDay());
                case TIMESTAMP -> {
                    LocalDateTime t = ((Value.Timestamp) v).value();
                    i64(t.toEpochSecond(ZoneOffset.UTC));
                    i32(t.getNano());
                }
                case TIMESTAMP_TZ -> {
                    Instant t = ((Value.TimestampTz) v).value();
                    i64(t.getEpochSecond());
                    i32(t.getNano());
                }
                default -> throw new IllegalStateException("unknown value type " + v.type());
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    private static final class Reader {
        private final byte[] buf;
        private int pos;
        private CharsetDecoder utf8;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        MalformedEntryException error(String reason) {
            return new MalformedEntryException(reason, pos);
        }

        private void need(long n, String what) {
            if (n > buf.length - pos) {
                throw error("truncated: " + what + " needs " + n + " bytes, " + (buf.length - pos) + " left");
            }
        }

        int u8() {
            need(1, "a byte");
            return buf[pos++] & 0xFF;
        }

        int i32() {
            need(4, "a 32-bit integer");
            int v = (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | buf[pos + 3] & 0xFF;
            pos += 4;
            return v;
        }

        long i64() {
            long hi = i32() & 0xFFFFFFFFL;
            return hi << 32 | (i32() & 0xFFFFFFFFL);
        }

        /** A u32 count of items that each take at least {@code minItemBytes}; bounds it by what is left. */
        int count(int minItemBytes) {
            long n = i32() & 0xFFFFFFFFL;
            if (n * minItemBytes > buf.length - pos) {
                throw error("count " + n + " cannot fit in the " + (buf.length - pos) + " bytes left");
            }
            return (int) n;
        }

        byte[] bytes() {
            long n = i32() & 0xFFFFFFFFL;
            need(n, "a byte string");
            byte[] b = Arrays.copyOfRange(buf, pos, pos + (int) n);
            pos += (int) n;
            return b;
        }

        String str() {
            int start = pos;
            long n = i32() & 0xFFFFFFFFL;
            need(n, "a string");
            int from = pos;
            int to = pos + (int) n;
            pos = to;
            boolean ascii = true;
            for (int i = from; i < to && ascii; i++) {
                ascii = buf[i] >= 0;
            }
            if (ascii) {
                return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
            }
            if (utf8 == null) {
                utf8 = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            try {
                return utf8.reset().decode(ByteBuffer.wrap(buf, from, to - from)).toString();
            } catch (CharacterCodingException e) {
                pos = start;
                throw error("string is not well-formed UTF-8");
            }
        }

        Instant instant() {
            long seconds = i64();
            int nanos = nanos();
            try {
                return Instant.ofEpochSecond(seconds, nanos);
            } catch (DateTimeException e) {
                throw error("instant out of range: " + seconds + "s");
            }
        }

        private int nanos() {
            int nanos = i32();
            if (nanos < 0 || nanos > 999_999_999) {
                throw error("nanoseconds out of range: " + nanos);
            }
            return nanos;
        }

        Change change() {
            int kind = u8();
            if (kind == Change.KIND_DDL) {
                String object = str();
                String sql = str();
                if (sql.isEmpty()) {
                    throw error("DDL text is empty");
                }
                return new DdlChange(object, sql);
            }
            if (kind != Change.KIND_ROW) {
                throw error("unknown change kind " + kind);
            }
            int code = u8();
            Operation op = Operation.ofCode(code);
            if (op == null) {
                throw error("unknown row operation " + code);
            }
            String table = str();
            if (table.isEmpty()) {
                throw error("table name is empty");
            }
            Row key = image();
            if (key.isEmpty()) {
                throw error("row change has an empty key");
            }
            Row before = op.hasBefore ? image() : null;
            Row after = op.hasAfter ? image() : null;
            return new RowChange(table, op, key, before, after);
        }

        // ---- validation without building (validate): each skip accepts and rejects exactly what its builder does

        /** Checks a string as {@link #str} does without building it; the rare non-ASCII one goes through str(). */
        void skipStr() {
            int start = pos;
            long n = i32() & 0xFFFFFFFFL;
            need(n, "a string");
            int to = pos + (int) n;
            for (int i = pos; i < to; i++) {
                if (buf[i] < 0) {
                    pos = start;
                    str();
                    return;
                }
            }
            pos = to;
        }

        void skipChange(EncodedEntry into) {
            int kind = u8();
            if (kind == Change.KIND_DDL) {
                int objectFrom = pos + 4;
                skipStr();
                int objectTo = pos;
                int sqlFrom = pos + 4;
                skipStr();
                if (pos == sqlFrom) {
                    throw error("DDL text is empty");
                }
                into.addDdl(objectFrom, objectTo, sqlFrom, pos);
                return;
            }
            if (kind != Change.KIND_ROW) {
                throw error("unknown change kind " + kind);
            }
            int code = u8();
            Operation op = Operation.ofCode(code);
            if (op == null) {
                throw error("unknown row operation " + code);
            }
            int tableFrom = pos + 4;
            skipStr();
            if (pos == tableFrom) {
                throw error("table name is empty");
            }
            int tableTo = pos;
            int keyFrom = pos;
            if (skipImage() == 0) {
                throw error("row change has an empty key");
            }
            int keyTo = pos;
            int beforeFrom = -1;
            int beforeTo = -1;
            int afterFrom = -1;
            int afterTo = -1;
            if (op.hasBefore) {
                beforeFrom = pos;
                skipImage();
                beforeTo = pos;
            }
            if (op.hasAfter) {
                afterFrom = pos;
                skipImage();
                afterTo = pos;
            }
            into.addRow(op, tableFrom, tableTo, keyFrom, keyTo, beforeFrom, beforeTo, afterFrom, afterTo);
        }

        /** Checks an image as {@link #image} does; returns its column count. */
        int skipImage() {
            int n = count(5);
            int previousFrom = 0;
            int previousTo = 0;
            for (int i = 0; i < n; i++) {
                int at = pos;
                skipStr();
                int nameFrom = at + 4;
                if (i > 0 && Arrays.compareUnsigned(buf, previousFrom, previousTo, buf, nameFrom, pos) >= 0) {
                    pos = at;
                    String name = str();
                    pos = at;
                    throw error("column '" + name + "' is out of canonical order or repeated");
                }
                previousFrom = nameFrom;
                previousTo = pos;
                skipValue();
            }
            return n;
        }

        /** Checks a value as {@link #value} does; the common types without building them, the rest through value(). */
        void skipValue() {
            int at = pos;
            int tag = u8();
            ValueType type = ValueType.ofTag(tag);
            if (type == null) {
                throw error("unknown value tag " + tag);
            }
            switch (type) {
                case NULL -> { }
                case INTEGER -> i64();
                case TEXT -> skipStr();
                case BYTES -> {
                    long n = i32() & 0xFFFFFFFFL;
                    need(n, "a byte string");
                    pos += (int) n;
                }
                default -> {
                    pos = at;
                    value();
                }
            }
        }

        Row image() {
            int n = count(5);
            String[] names = new String[n];
            byte[][] utf8 = new byte[n][];
            Value[] values = new Value[n];
            for (int i = 0; i < n; i++) {
                int at = pos;
                names[i] = str();
                utf8[i] = Arrays.copyOfRange(buf, at + 4, pos);
                if (i > 0 && Arrays.compareUnsigned(utf8[i - 1], utf8[i]) >= 0) {
                    pos = at;
                    throw error("column '" + names[i] + "' is out of canonical order or repeated");
                }
                values[i] = value();
            }
            return Row.ofCanonical(names, utf8, values);
        }

        Value value() {
            int tag = u8();
            ValueType type = ValueType.ofTag(tag);
            if (type == null) {
                throw error("unknown value tag " + tag);
            }
            return switch (type) {
                case NULL -> Value.NULL;
                case INTEGER -> new Value.Int(i64());
                case DECIMAL -> decimal();
                case FLOAT -> {
                    long bits = i64();
                    double d = Double.longBitsToDouble(bits);
                    if (Double.isNaN(d) && bits != 0x7ff8000000000000L) {
                        throw error("non-canonical NaN");
                    }
                    yield new Value.Float(d);
                }
                case TEXT -> new Value.Text(str());
                case BYTES -> Value.Bytes.adopt(bytes());
                case BOOLEAN -> {
                    int b = u8();
                    if (b > 1) {
                        throw error("boolean byte must be 0 or 1, was " + b);
                    }
                    yield new Value.Bool(b == 1);
                }
                case DATE -> {
                    long day = i64();
                    try {
                        yield new Value.Date(LocalDate.ofEpochDay(day));
                    } catch (DateTimeException e) {
                        throw error("date out of range: epoch day " + day);
                    }
                }
                case TIME -> {
                    long nanoOfDay = i64();
                    if (nanoOfDay < 0 || nanoOfDay >= 86_400_000_000_000L) {
                        throw error("time of day out of range: " + nanoOfDay + " ns");
                    }
                    yield new Value.Time(LocalTime.ofNanoOfDay(nanoOfDay));
                }
                case TIMESTAMP -> {
                    long seconds = i64();
                    int nanos = nanos();
                    try {
                        yield new Value.Timestamp(LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC));
                    } catch (DateTimeException e) {
                        throw error("timestamp out of range: " + seconds + "s");
                    }
                }
                case TIMESTAMP_TZ -> new Value.TimestampTz(instant());
            };
        }

        private Value decimal() {
            int scale = i32();
            int at = pos;
            byte[] unscaled = bytes();
            if (unscaled.length == 0) {
                pos = at;
                throw error("decimal has no digits");
            }
            if (unscaled.length > 1 && (unscaled[0] == 0 && unscaled[1] >= 0 || unscaled[0] == -1 && unscaled[1] < 0)) {
                pos = at;
                throw error("decimal digits are not minimal two's complement");
            }
            BigInteger digits = new BigInteger(unscaled);
            boolean normalised = digits.signum() == 0 ? scale == 0 : digits.mod(BigInteger.TEN).signum() != 0;
            if (!normalised) {
                pos = at;
                throw error("decimal " + digits + "E" + (-(long) scale) + " is not normalised (trailing zeros, or zero with a scale)");
            }
            return new Value.Decimal(new BigDecimal(digits, scale));
        }
    }
}
