package io.ledgerjdbc.driver.sql;

/**
 * The sequence policy ({@code ledger.sequenceReads}). A query that takes the next value of a sequence
 * ({@code SELECT nextval('s')}, {@code SELECT NEXT VALUE FOR s}, MariaDB {@code SET @v = NEXTVAL(s)}) advances
 * state that is not table data: no row changes, and a rollback does not undo it on any backend. The value it
 * returns reaches the ledger with the row that uses it (an INSERT binding it as a key), and replay applies
 * recorded values, never re-evaluating the sequence. So such a query needs no entry, and ORMs (Hibernate's
 * SEQUENCE ids, the default on PostgreSQL and H2) depend on it.
 *
 * <p>What is not recorded: the sequence's position. A database rebuilt from the ledger has its sequences at
 * their start values; a writer using them there gets duplicate-key errors from the database (loud, never
 * silent divergence) until the sequences are moved past the ledger's keys.
 *
 * <p>{@code setval()} stays refused: it sets state rather than reading it.
 */
public final class SequenceReads {

    private SequenceReads() {
    }

    /** Whether {@code a} is a query refused only because it takes sequence values. */
    public static boolean isSequenceRead(Analysis a) {
        return a instanceof Analysis.Refused r
                && (Refusals.NEXTVAL.equals(r.construct()) || Refusals.NEXT_VALUE_FOR.equals(r.construct()));
    }
}
