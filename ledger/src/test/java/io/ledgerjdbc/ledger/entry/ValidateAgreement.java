package io.ledgerjdbc.ledger.entry;

import static io.ledgerjdbc.ledger.entry.EntryBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

/**
 * {@link EntryCodec#validate} must accept exactly what {@link EntryCodec#decode} accepts, reject the rest with the
 * same message at the same offset, and locate every part of an accepted entry where the decoded entry's own
 * encoding puts it. The codec tests run every input they try through this as well.
 */
final class ValidateAgreement {

    private ValidateAgreement() {
    }

    static void check(byte[] b) {
        LedgerEntry decoded = null;
        MalformedEntryException decodeError = null;
        try {
            decoded = EntryCodec.decode(b);
        } catch (MalformedEntryException e) {
            decodeError = e;
        }
        EncodedEntry encoded = new EncodedEntry();
        MalformedEntryException validateError = null;
        try {
            EntryCodec.validate(b, encoded);
        } catch (MalformedEntryException e) {
            validateError = e;
        } catch (RuntimeException e) {
            throw new AssertionError("validate threw " + e + " for " + hex(b), e);
        }
        if (decodeError != null) {
            assertThat(validateError).as("validate rejects what decode rejects: %s", hex(b)).isNotNull();
            assertThat(validateError.getMessage()).as("message for %s", hex(b)).isEqualTo(decodeError.getMessage());
            assertThat(validateError.offset()).as("offset for %s", hex(b)).isEqualTo(decodeError.offset());
            return;
        }
        assertThat(validateError).as("validate accepts what decode accepts: %s", hex(b)).isNull();
        assertParts(decoded, encoded);
    }

    /** Every located part holds exactly the encoding of the decoded part. */
    static void assertParts(LedgerEntry decoded, EncodedEntry encoded) {
        byte[] b = encoded.bytes();
        assertThat(encoded.seq()).isEqualTo(decoded.seq());
        assertThat(encoded.changeCount()).isEqualTo(decoded.changes().size());
        ImageCursor cursor = new ImageCursor();
        for (int i = 0; i < decoded.changes().size(); i++) {
            Change c = decoded.changes().get(i);
            if (c instanceof RowChange rc) {
                assertThat(encoded.isRowChange(i)).isTrue();
                assertThat(encoded.op(i)).isEqualTo(rc.op());
                assertThat(encoded.table(i)).isEqualTo(rc.table());
                assertImage(b, encoded.keyFrom(i), encoded.keyTo(i), rc.key(), cursor);
                if (rc.before() == null) {
                    assertThat(encoded.beforeFrom(i)).isEqualTo(-1);
                } else {
                    assertImage(b, encoded.beforeFrom(i), encoded.beforeTo(i), rc.before(), cursor);
                }
                if (rc.after() == null) {
                    assertThat(encoded.afterFrom(i)).isEqualTo(-1);
                } else {
                    assertImage(b, encoded.afterFrom(i), encoded.afterTo(i), rc.after(), cursor);
                }
            } else {
                assertThat(encoded.isRowChange(i)).isFalse();
                assertThat(encoded.ddl(i)).isEqualTo(c);
            }
        }
    }

    private static void assertImage(byte[] b, int from, int to, Row row, ImageCursor cursor) {
        byte[] expected = EntryCodec.encodeImage(row);
        assertThat(Arrays.copyOfRange(b, from, to)).isEqualTo(expected);
        cursor.reset(b, from);
        assertThat(cursor.columns()).isEqualTo(row.size());
        for (int c = 0; c < row.size(); c++) {
            assertThat(cursor.next()).isTrue();
            byte[] name = Arrays.copyOfRange(b, cursor.nameFrom(), cursor.nameTo());
            assertThat(new String(name, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(row.name(c));
            byte[] value = Arrays.copyOfRange(b, cursor.valueFrom(), cursor.valueTo());
            byte[] alone = EntryCodec.encodeImage(Row.of(row.name(c), row.value(c)));
            assertThat(value).isEqualTo(Arrays.copyOfRange(alone, alone.length - value.length, alone.length));
        }
        int end = row.isEmpty() ? from + 4 : cursor.valueTo();
        assertThat(cursor.next()).isFalse();
        assertThat(end).isEqualTo(to);
    }
}
