package io.ledgerjdbc.ledger.entry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RowLayoutTest {

    @Test
    void rowsBuiltThroughALayoutEqualAndEncodeLikeRowsBuiltByName() {
        List<String> columns = List.of("name", "id", "Zeta", "ä", "created");
        Row.Layout layout = Row.Layout.of(columns);
        Value[] values = {Value.of("alice"), Value.of(7), Value.NULL, Value.of("x"), Value.of(1.5)};
        Row viaLayout = layout.row(values);
        Row.Builder b = Row.builder();
        for (int i = 0; i < columns.size(); i++) {
            b.put(columns.get(i), values[i]);
        }
        Row viaBuilder = b.build();
        assertEquals(viaBuilder, viaLayout);
        assertEquals(viaBuilder.names(), viaLayout.names());
        assertArrayEquals(EntryCodec.encodeImage(viaBuilder), EntryCodec.encodeImage(viaLayout));
    }

    @Test
    void aLayoutRejectsDuplicateNamesAndTheWrongNumberOfValues() {
        assertThrows(IllegalArgumentException.class, () -> Row.Layout.of(List.of("a", "b", "a")));
        Row.Layout layout = Row.Layout.of(List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> layout.row(new Value[] {Value.of(1)}));
        assertThrows(NullPointerException.class, () -> layout.row(new Value[] {Value.of(1), null}));
    }

    @Test
    void anEmptyLayoutGivesTheEmptyRow() {
        assertEquals(Row.empty(), Row.Layout.of(List.of()).row(new Value[0]));
    }
}
