package io.ledgerjdbc.driver;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.session.LedgerSession;
import io.ledgerjdbc.driver.database.LedgerDatabase;

import io.ledgerjdbc.driver.jdbc.LedgerConnection;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * {@code jdbc:ledger:<rest>} wraps the real driver's {@code jdbc:<rest>}. Registered through
 * {@code META-INF/services/java.sql.Driver}. {@code ledger.*} properties configure the ledger (see
 * {@link LedgerOption}); every other property goes to the real driver unchanged.
 */
public final class LedgerDriver implements Driver {

    static {
        try {
            DriverManager.registerDriver(new LedgerDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null; // JDBC: not ours, let DriverManager ask the next driver
        }
        Properties props = info == null ? new Properties() : info;
        LedgerConfig config = LedgerConfig.from(props);
        String raw = rawUrlOf(url);
        if (!config.createLedger()) {
            ExistingDatabase.requireFile(raw); // with ledger.create=false, no database is created either
        }
        Connection real = realDriver(raw).connect(raw, realProperties(raw, props, config));
        if (real == null) {
            throw new SQLException("the driver for " + raw + " did not accept the URL", SqlStates.UNABLE_TO_CONNECT);
        }
        try {
            Backend backend = Backend.forUrl(raw).orElse(null);
            if (backend != null) {
                backend.prepareConnection(real, raw, realProperties(raw, props, config));
            }
            LedgerDatabase node = LedgerDatabase.of(raw, real, config, () -> realDriver(raw).connect(raw, realProperties(raw, props, config)),
                    () -> realDriver(raw).connect(LedgerUrls.sideUrl(raw), realProperties(raw, props, config)));
            return new LedgerConnection(real, new LedgerSession(real, node, config));
        } catch (SQLException | RuntimeException e) {
            try {
                real.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * What the real driver gets: the caller's properties without ours. (SQLite keeps its DEFERRED transactions:
     * sqlite-jdbc begins the next transaction right after every commit, and an IMMEDIATE begin there would
     * hold the write lock while the connection idles and can fail after the commit succeeded.) With
     * {@code ledger.create=false} the real driver is also told not to create a missing database.
     */
    private static Properties realProperties(String raw, Properties props, LedgerConfig config) {
        Properties real = LedgerConfig.realDriverProperties(props);
        return config.createLedger() ? real : ExistingDatabase.noCreate(raw, real);
    }

    /** The prefix is stripped exactly once: a URL that is still a ledger URL after that is refused. */
    private static String rawUrlOf(String url) throws SQLException {
        String hint = LedgerUrls.hint(url);
        if (hint != null) {
            throw new SQLException(hint, SqlStates.UNABLE_TO_CONNECT);
        }
        String raw = LedgerUrls.rawUrl(url);
        if (LedgerUrls.isLedgerUrl(raw)) {
            throw new SQLException("nested ledger URL " + url + ": write jdbc:ledger: once", SqlStates.UNABLE_TO_CONNECT);
        }
        return raw;
    }

    private static Driver realDriver(String raw) throws SQLException {
        try {
            return DriverManager.getDriver(raw);
        } catch (SQLException e) {
            throw new SQLException("no JDBC driver for " + raw + " (is its jar on the classpath? the ledger URL is jdbc:ledger: "
                    + "followed by the database's URL without jdbc:, e.g. jdbc:ledger:sqlite:app.db)", SqlStates.UNABLE_TO_CONNECT, e);
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return LedgerUrls.isLedgerUrl(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return new DriverPropertyInfo[0];
        }
        Properties props = info == null ? new Properties() : info;
        String raw = rawUrlOf(url);
        List<DriverPropertyInfo> out = new ArrayList<>(Arrays.asList(
                realDriver(raw).getPropertyInfo(raw, LedgerConfig.realDriverProperties(props))));
        for (LedgerOption o : LedgerOption.values()) {
            DriverPropertyInfo p = new DriverPropertyInfo(o.key, props.getProperty(o.key, o.defaultValue));
            p.description = o.description;
            p.required = false;
            if (o == LedgerOption.CREATE) {
                p.choices = new String[] {"true", "false"};
            }
            out.add(p);
        }
        return out.toArray(new DriverPropertyInfo[0]);
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    /** Not JDBC compliant in the spec's sense: some writes are refused (0A000) rather than run unrecorded. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("io.ledgerjdbc");
    }
}
