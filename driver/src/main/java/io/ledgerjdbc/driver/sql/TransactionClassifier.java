package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.sql.Analysis.TransactionControl;
import io.ledgerjdbc.driver.sql.Analysis.TxCommand;

import static io.ledgerjdbc.driver.sql.SqlKeywords.upper;

/**
 * BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK / ABORT / SAVEPOINT / RELEASE, in the spellings of the
 * four backends (SQLite's BEGIN IMMEDIATE, PostgreSQL's END and ABORT, optional WORK/TRANSACTION). The
 * driver must see these: a transaction's captured changes are committed or discarded with it.
 */
final class TransactionClassifier {

    private TransactionClassifier() {
    }

    static Analysis classify(SqlSource s, int first) {
        int k = first + 1;
        return switch (upper(s, first)) {
            // MariaDB's BEGIN NOT ATOMIC … END is an anonymous block, not a transaction.
            case "BEGIN" -> s.is(k, "NOT") ? Refusals.of(Refusals.CALL) : tx(TxCommand.BEGIN, null);
            case "START" -> s.is(k, "TRANSACTION") ? tx(TxCommand.BEGIN, null) : Refusals.of(Refusals.UNRECOGNISED);
            case "COMMIT", "END" -> s.is(k, "PREPARED") ? Refusals.of(Refusals.TWO_PHASE_COMMIT) : tx(TxCommand.COMMIT, null);
            case "ROLLBACK", "ABORT" -> rollback(s, k);
            case "SAVEPOINT" -> named(s, k, TxCommand.SAVEPOINT);
            case "RELEASE" -> named(s, s.is(k, "SAVEPOINT") ? k + 1 : k, TxCommand.RELEASE_SAVEPOINT);
            case "PREPARE" -> s.is(k, "TRANSACTION") ? Refusals.of(Refusals.TWO_PHASE_COMMIT) : Refusals.of(Refusals.UNRECOGNISED);
            default -> Refusals.of(Refusals.UNRECOGNISED);
        };
    }

    private static Analysis rollback(SqlSource s, int k) {
        if (s.is(k, "PREPARED")) return Refusals.of(Refusals.TWO_PHASE_COMMIT);
        if (s.is(k, "WORK") || s.is(k, "TRANSACTION")) k++;
        if (!s.is(k, "TO")) return tx(TxCommand.ROLLBACK, null);
        k++;
        if (s.is(k, "SAVEPOINT")) k++;
        return named(s, k, TxCommand.ROLLBACK_TO_SAVEPOINT);
    }

    private static Analysis named(SqlSource s, int k, TxCommand command) {
        if (!s.isName(k)) return Refusals.of(Refusals.UNRECOGNISED);
        return tx(command, s.name(k));
    }

    private static Analysis tx(TxCommand command, String savepoint) {
        return new TransactionControl(command, savepoint);
    }
}
