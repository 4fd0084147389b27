package io.ledgerjdbc.driver.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/** The real databases the wrapper tests run on, with the little SQL that differs between them. */
enum Backend {

    SQLITE {
        @Override
        Connection open(Path dir, String name) throws SQLException {
            return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(name + ".db"));
        }

        @Override
        String idColumn() {
            return "id INTEGER PRIMARY KEY AUTOINCREMENT";
        }
    },

    H2 {
        @Override
        Connection open(Path dir, String name) throws SQLException {
            return DriverManager.getConnection("jdbc:h2:mem:" + name + "_" + UUID.randomUUID());
        }

        @Override
        String idColumn() {
            return "id INTEGER AUTO_INCREMENT PRIMARY KEY";
        }
    };

    /** A fresh database named {@code name} (a file in {@code dir} for SQLite, private and in memory for H2). */
    abstract Connection open(Path dir, String name) throws SQLException;

    /** An auto-generated integer key column called {@code id}. */
    abstract String idColumn();

    /** A connection to a fresh database, wrapped over a {@link PassThroughSession}. */
    LedgerConnection openWrapped(Path dir, String name) throws SQLException {
        Connection real = open(dir, name);
        return new LedgerConnection(real, new PassThroughSession(real));
    }
}
