package io.ledgerjdbc.ledger.digest;

import java.io.IOException;

/**
 * Text that is not a well-formed signed digest; the message names the offending field (and, when reading a
 * file, the file and line). Says nothing about the signature, which is checked separately.
 */
public final class DigestFormatException extends IOException {

    public DigestFormatException(String message) {
        super(message);
    }

    public DigestFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
