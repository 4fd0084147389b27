package io.ledgerjdbc.bench;

import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import io.ledgerjdbc.ledger.verify.VerifyReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger verifier run after a ledger round, on a raw connection to the round's database: the same check an
 * operator's {@code verify} makes (chain, Merkle tree, entries, and the tables' state against the ledger). The only
 * harness code that touches the ledger core's storage classes.
 */
final class LedgerCheck {

    private LedgerCheck() {
    }

    /** What the verifier said: entries checked, time, and the first few findings (empty when clean). */
    record Outcome(long entries, long millis, long findingCount, List<String> firstFindings) {
        boolean clean() {
            return findingCount == 0;
        }

        @Override
        public String toString() {
            return String.format("%,d entries in %d ms: %s", entries, millis, clean() ? "clean"
                    : findingCount + " findings, first: " + firstFindings);
        }
    }

    static Outcome verify(Connection raw) throws SQLException {
        List<String> findings = new ArrayList<>();
        VerifyReport report = new LedgerVerifier(new LedgerStore(SqlDialect.of(raw))).verify(raw, VerifyOptions.defaults(), f -> {
            if (findings.size() < 5) findings.add(f.toString());
        });
        return new Outcome(report.entries(), report.took().toMillis(), report.findings(), findings);
    }
}
