package io.ledgerjdbc.driver;

import io.ledgerjdbc.ledger.store.SqlStates;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} for pools (HikariCP's {@code dataSourceClassName}): JavaBean setters for the URL,
 * credentials and the ledger options. Each {@link #getConnection()} opens a new wrapped connection.
 */
public class LedgerDataSource implements DataSource {

    private static final LedgerDriver DRIVER = new LedgerDriver();

    private String url;
    private String user;
    private String password;
    private final Properties properties = new Properties();
    private int loginTimeout;
    private PrintWriter logWriter;

    public String getUrl() {
        return url;
    }

    /** {@code jdbc:ledger:…}; a raw {@code jdbc:…} URL is taken as the database to wrap. */
    public void setUrl(String url) {
        this.url = url == null || LedgerUrls.isLedgerUrl(url) ? url : LedgerUrls.PREFIX + url.substring("jdbc:".length());
    }

    /** Hikari and Spring call it jdbcUrl. */
    public void setJdbcUrl(String url) {
        setUrl(url);
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public void setUsername(String user) {
        setUser(user);
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** {@code ledger.node}. */
    public void setNode(String node) {
        properties.setProperty(LedgerOption.NODE.key, node);
    }

    /** {@code ledger.config}. */
    public void setConfig(String file) {
        properties.setProperty(LedgerOption.CONFIG.key, file);
    }

    /** {@code ledger.create}. */
    public void setCreate(boolean create) {
        properties.setProperty(LedgerOption.CREATE.key, Boolean.toString(create));
    }

    /** Any other property, for the real driver or the ledger. */
    public void setProperty(String key, String value) {
        properties.setProperty(key, value);
    }

    public void setProperties(Properties props) {
        properties.putAll(props);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        if (url == null) {
            throw new SQLException("LedgerDataSource: url is not set", SqlStates.UNABLE_TO_CONNECT);
        }
        Properties p = new Properties();
        p.putAll(properties);
        if (username != null) p.setProperty("user", username);
        if (pass != null) p.setProperty("password", pass);
        return DRIVER.connect(url, p);
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() {
        return DRIVER.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLFeatureNotSupportedException("LedgerDataSource is not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
