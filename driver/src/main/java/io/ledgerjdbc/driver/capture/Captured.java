package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.ledger.entry.RowChange;
import java.util.List;

/**
 * The result of the real call, the row changes it made, and the rows it inserted whose images are still to be
 * read ({@link RowCapture#readInserted}; their changes follow {@code changes}).
 */
public record Captured<T>(T result, List<RowChange> changes, List<InsertedRow> toRead) {

    public Captured(T result, List<RowChange> changes) {
        this(result, changes, List.of());
    }
}
