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

    /** Fails when {@code --from} starts past a ledger of {@code size} entries (1 is always fine: an empty ledger). */
    static void checkFrom(long from, long size) throws UserError {
        if (from > 1 && from > size) {
            throw new UserError("--from " + from + " is past the ledger's end: it has " + size + " entr" + (size == 1 ? "y" : "ies")
                    + (size == 0 ? "" : " (seq 1.." + size + ")"));
        }
    }
}
