package io.ledgerjdbc.ledger.entry;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** Test helper: builds byte arrays field by field in the v1 layout (big-endian, u32-length-prefixed). */
final class EntryBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static EntryBytes bytes() {
        return new EntryBytes();
    }

    EntryBytes u8(int... vs) {
        for (int v : vs) {
            out.write(v);
        }
        return this;
    }

    /** Four bytes; takes a long so unsigned lengths such as 0xFFFFFFFF read naturally. */
    EntryBytes i32(long v) {
        return u8((int) (v >>> 24), (int) (v >>> 16), (int) (v >>> 8), (int) v);
    }

    EntryBytes i64(long v) {
        return i32(v >>> 32).i32(v);
    }

    /** u32 length, then the given raw bytes. */
    EntryBytes lp(int... raw) {
        return i32(raw.length).u8(raw);
    }

    EntryBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        i32(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    EntryBytes then(EntryBytes more) {
        byte[] b = more.build();
        out.write(b, 0, b.length);
        return this;
    }

    byte[] build() {
        return out.toByteArray();
    }

    // ---- layout shortcuts shared by the tests ------------------------------------------------------------

    /** Version 1, the given seq, node "n", commit at the epoch, tx "t", then the change count. */
    static EntryBytes header(long seq, long changeCount) {
        return bytes().u8(EntryCodec.VERSION).i64(seq).str("n").i64(0).i32(0).str("t").i32(changeCount);
    }

    /** An entry with one INSERT into "tbl", key {id: INT 1}, after image given as column count + columns. */
    static byte[] insertWithAfter(int columnCount, EntryBytes columns) {
        return header(1, 1).u8(Change.KIND_ROW, Operation.INSERT.code).str("tbl")
                .i32(1).str("id").u8(ValueType.INTEGER.tag).i64(1)
                .i32(columnCount).then(columns).build();
    }

    /** An entry with one INSERT whose after image is the single column "v" holding {@code value} (tag + body). */
    static byte[] insertWithValue(EntryBytes value) {
        return insertWithAfter(1, bytes().str("v").then(value));
    }

    /** The entry {@link #insertWithValue} describes, built through the model. */
    static LedgerEntry insertEntry(Value v) {
        return new LedgerEntry(1, "n", Instant.EPOCH, "t",
                List.of(RowChange.insert("tbl", Row.of("id", Value.of(1L)), Row.of("v", v))));
    }

    static byte[] encodedAlone(Value v) {
        return EntryCodec.encode(insertEntry(v));
    }

    static String hex(byte[] b) {
        return b.length <= 512 ? HexFormat.of().formatHex(b) : HexFormat.of().formatHex(b, 0, 512) + "… (" + b.length + " bytes)";
    }
}
