package io.ledgerjdbc.cli;

/**
 * A mistake the user can fix — a missing file, a wrong URL, a range past the ledger's end, an unknown table —
 * printed as one line that says what is wrong, with exit code 2 and without the stack-trace hint.
 */
final class UserError extends Exception {

    UserError(String message) {
        super(message);
    }

    UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
