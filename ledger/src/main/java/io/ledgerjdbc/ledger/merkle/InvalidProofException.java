package io.ledgerjdbc.ledger.merkle;

/** A proof that does not prove what it claims; the message says which check failed. */
public final class InvalidProofException extends Exception {

    public InvalidProofException(String message) {
        super(message);
    }
}
