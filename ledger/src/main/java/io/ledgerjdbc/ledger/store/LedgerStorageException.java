package io.ledgerjdbc.ledger.store;

import java.sql.SQLException;

/** An SQLException met where the interface cannot throw one (inside a {@link io.ledgerjdbc.ledger.merkle.NodeReader}). */
public final class LedgerStorageException extends RuntimeException {

    public LedgerStorageException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    @Override
    public synchronized SQLException getCause() {
        return (SQLException) super.getCause();
    }
}
