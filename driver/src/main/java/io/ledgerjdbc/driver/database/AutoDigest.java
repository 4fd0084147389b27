package io.ledgerjdbc.driver.database;

import io.ledgerjdbc.driver.LedgerConfig;
import io.ledgerjdbc.driver.LedgerOption;

import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.DigestSigner;
import io.ledgerjdbc.ledger.digest.KeyFiles;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.digest.TreeHead;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;

/**
 * Signs a digest of the ledger automatically, every N entries and/or every T seconds ({@code ledger.digest.*}),
 * right after a commit, with the head that commit produced (no extra reads). The digest is stored in
 * {@code ledger_digest} in its own small transaction and, with {@code ledger.digest.out}, appended to a JSON
 * Lines file outside the database. "Every T seconds" is checked at commits: an idle ledger has nothing new to sign.
 * On a cluster member the applier calls it after each applied write-set, on the applier's own connection.
 *
 * <p>The application's transaction is already committed when this runs, so a failure here must not reach it
 * as an error (it would retry a committed transaction): it is logged, and the next commit tries again.
 */
public final class AutoDigest {

    private static final System.Logger LOG = System.getLogger(AutoDigest.class.getName());

    /** The settings one database's digests are made with in this process. */
    record Settings(String keyPath, long everyEntries, long everySeconds, String outPath, DigestSigner signer) {
        boolean sameAs(Settings o) {
            return keyPath.equals(o.keyPath) && everyEntries == o.everyEntries && everySeconds == o.everySeconds
                    && outPath.equals(o.outPath);
        }
    }

    private final LedgerStore store;
    private volatile Settings settings;
    /** Tree size of the last digest by this key; -1 until read. Guarded by the database's commit lock. */
    private long lastSize = -1;
    private long lastNanos = System.nanoTime();

    public AutoDigest(LedgerStore store) {
        this.store = store;
    }

    /** The signing settings of {@code config}, or null when it names no key. Loads the key: a bad one fails now. */
    public static Settings settingsOf(LedgerConfig config) throws SQLException {
        String key = config.get(LedgerOption.DIGEST_KEY);
        if (key.isEmpty()) {
            return null;
        }
        DigestSigner signer;
        try {
            signer = new DigestSigner(KeyFiles.loadPrivate(Path.of(key)).privateKey());
        } catch (IOException | RuntimeException e) {
            throw new SQLException("invalid value '" + key + "' for " + LedgerOption.DIGEST_KEY.key + ": cannot read an Ed25519 "
                    + "private key from it (" + e.getMessage() + ")", SqlStates.INVALID_ATTRIBUTE_VALUE, e);
        }
        return new Settings(key, Long.parseLong(config.get(LedgerOption.DIGEST_EVERY_ENTRIES)),
                Long.parseLong(config.get(LedgerOption.DIGEST_EVERY_SECONDS)), config.get(LedgerOption.DIGEST_OUT), signer);
    }

    /**
     * Applies a connection's settings. A connection without a key changes nothing; one whose settings differ from
     * those already in force for this database is refused (two signing schedules for one ledger are a mistake).
     */
    public synchronized void configure(LedgerConfig config) throws SQLException {
        Settings s = settingsOf(config);
        if (s == null) {
            return;
        }
        if (settings == null) {
            settings = s;
        } else if (!settings.sameAs(s)) {
            throw new SQLException("ledger.digest.* options differ from those an earlier connection to this database set in this "
                    + "process (" + settings.keyPath() + ", every " + settings.everyEntries() + " entries / " + settings.everySeconds()
                    + " s); use the same options on every connection", SqlStates.INVALID_ATTRIBUTE_VALUE);
        }
    }

    /**
     * After a commit produced {@code head}. Connections commit concurrently (see LedgerAppender#appendAndCommit), so
     * the schedule is kept under this object's lock; a head older than the last signed one is skipped. Never throws.
     */
    public void afterCommit(Connection c, LedgerHead head) {
        if (settings == null) {
            return;
        }
        synchronized (this) {
            signIfDue(c, head);
        }
    }

    private void signIfDue(Connection c, LedgerHead head) {
        Settings s = settings;
        long now = System.nanoTime();
        try {
            if (lastSize < 0) {
                lastSize = lastSignedSize(c, s.signer().keyId());
            }
            boolean byEntries = s.everyEntries() > 0 && head.size() - lastSize >= s.everyEntries();
            boolean byTime = s.everySeconds() > 0 && head.size() > lastSize && now - lastNanos >= s.everySeconds() * 1_000_000_000L;
            if (!byEntries && !byTime) {
                return;
            }
            SignedDigest d = s.signer().sign(new TreeHead(head.size(), head.root(), head.chainHash(), Instant.now()));
            store.storeDigest(c, head.size(), d.keyId(), DigestJson.toJsonLine(d));
            if (!c.getAutoCommit()) {
                c.commit();
            }
            lastSize = head.size();
            lastNanos = now;
            if (!s.outPath().isEmpty()) {
                DigestJson.appendJsonLine(Path.of(s.outPath()), d);
            }
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            } catch (SQLException ignored) {
                // the warning below is what matters
            }
            LOG.log(System.Logger.Level.WARNING, "LedgerJDBC: could not sign or store the automatic digest at size " + head.size()
                    + "; the next commit tries again", e);
        }
    }

    private static long lastSignedSize(Connection c, String keyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(tree_size) FROM ledger_digest WHERE key_id = ?")) {
            ps.setString(1, Objects.requireNonNull(keyId));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            } finally {
                if (!c.getAutoCommit()) {
                    c.commit(); // a read transaction must not stay open on the application's connection
                }
            }
        }
    }
}
