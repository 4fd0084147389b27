package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.ledger.entry.RowChange;
import java.util.List;

/** The result of the real call, and the row changes it made. */
public record Captured<T>(T result, List<RowChange> changes) {
}
