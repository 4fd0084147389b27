package io.ledgerjdbc.compat;

import io.ledgerjdbc.driver.database.Sealer;

import io.ledgerjdbc.driver.replay.Replayer;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.store.Backend;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** A ledger database and a raw twin on one backend, with the checks every case ends with. */
final class Fixture implements AutoCloseable {

    final Backend backend;
    final Backend.Db ledgerDb;
    final Backend.Db rawDb;

    Fixture(Backend backend) throws Exception {
        this.backend = backend;
        this.ledgerDb = backend.open();
        this.rawDb = backend.open();
    }

    /** A connection through the ledger driver. */
    Connection ledger() throws SQLException {
        Properties p = new Properties();
        if (user(ledgerDb) != null) {
            p.setProperty("user", user(ledgerDb));
            p.setProperty("password", "");
        }
        return DriverManager.getConnection(ledgerUrl(), p);
    }

    /** The ledger database's URL with the {@code jdbc:ledger:} prefix, as an application configures it. */
    String ledgerUrl() {
        return ledgerDb.url.replaceFirst("^jdbc:", "jdbc:ledger:");
    }

    /** The user name for both databases (null for SQLite); the password is always empty. */
    String user() {
        return user(ledgerDb);
    }

    /** A connection to the raw twin. */
    Connection raw() throws SQLException {
        return rawDb.connect();
    }

    /** A raw connection to the ledger database (to look behind the driver's back). */
    Connection behind() throws SQLException {
        return ledgerDb.connect();
    }

    private String user(Backend.Db db) {
        return switch (backend) {
            case POSTGRESQL -> Backend.PG_USER;
            case MARIADB -> Backend.MARIADB_USER;
            case H2_FILE, H2_MEM -> "sa";
            default -> null;
        };
    }

    SqlDialect dialect() {
        return switch (backend) {
            case SQLITE -> SqlDialect.SQLITE;
            case H2_FILE, H2_MEM -> SqlDialect.H2;
            case POSTGRESQL -> SqlDialect.POSTGRESQL;
            case MARIADB -> SqlDialect.MARIADB;
        };
    }

    /** Runs the same DDL on both databases, the ledger one through the driver. */
    void schema(String... ddl) throws SQLException {
        try (Connection l = ledger(); Connection r = raw(); Statement ls = l.createStatement(); Statement rs = r.createStatement()) {
            for (String sql : ddl) {
                ls.execute(sql);
                rs.execute(sql);
            }
        }
    }

    List<LedgerEntry> entries() throws SQLException {
        List<LedgerEntry> out = new ArrayList<>();
        try (Connection c = behind()) {
            io.ledgerjdbc.driver.database.Sealer.sealAll(c); // PostgreSQL, MariaDB: commits return before their entries are sealed
            new LedgerStore(dialect()).scan(c, 1, e -> out.add(EntryCodec.decode(e.entry())));
        }
        return out;
    }

    List<Finding> verify() throws SQLException {
        List<Finding> findings = new ArrayList<>();
        try (Connection c = behind()) {
            io.ledgerjdbc.driver.database.Sealer.sealAll(c); // as the CLI's commands do before they read the ledger
            new LedgerVerifier(new LedgerStore(dialect())).verify(c, VerifyOptions.defaults(), findings::add);
        }
        return findings;
    }

    /**
     * Replays the ledger's entries into a fresh database of the same backend and returns, per table, the
     * replayed contents next to the ledger database's contents.
     */
    List<List<?>> replayAndCompare(String... tables) throws Exception {
        List<List<?>> out = new ArrayList<>();
        try (Backend.Db empty = backend.open(); Connection target = empty.connect(); Connection source = behind()) {
            target.setAutoCommit(false);
            Replayer replayer = new Replayer(dialect());
            for (LedgerEntry e : entries()) {
                replayer.apply(target, e);
            }
            target.commit();
            for (String table : tables) {
                out.add(List.of(table, TableSnapshot.of(source, dialect(), table), TableSnapshot.of(target, dialect(), table)));
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        try {
            ledgerDb.close();
        } finally {
            rawDb.close();
        }
    }
}
