package io.ledgerjdbc.bench;

import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;

/** The "typical small entry" every benchmark uses: one UPDATE of a 5-column row. */
final class Fixtures {

    private Fixtures() {
    }

    static LedgerEntry typicalEntry(long seq) {
        Row key = Row.of("id", Value.of(seq));
        Row before = Row.of("id", Value.of(seq), "owner", Value.of("customer-" + seq), "balance",
                Value.of(new BigDecimal("1234.50")), "updated_at", Value.of(LocalDateTime.of(2026, 11, 24, 12, 0)),
                "active", Value.of(true));
        Row after = Row.of("id", Value.of(seq), "owner", Value.of("customer-" + seq), "balance",
                Value.of(new BigDecimal("1200.25")), "updated_at", Value.of(LocalDateTime.of(2026, 11, 24, 12, 5)),
                "active", Value.of(true));
        return new LedgerEntry(seq, "node-1", Instant.parse("2026-11-24T12:05:00Z").plusMillis(seq), "tx-" + seq,
                List.of(RowChange.update("accounts", key, before, after)));
    }
}
