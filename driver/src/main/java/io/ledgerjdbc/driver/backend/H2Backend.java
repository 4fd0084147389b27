package io.ledgerjdbc.driver.backend;

import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * H2 (embedded or server). An embedded database has this process as its only writer, so the chain head is
 * trusted from memory; unquoted names are upper-cased; DDL and some other statements commit implicitly.
 */
final class H2Backend implements Backend {

    static final H2Backend INSTANCE = new H2Backend();

    private static final System.Logger LOG = System.getLogger(H2Backend.class.getName());
    /** H2's "Admin rights are required for this operation". */
    private static final int ADMIN_RIGHTS_REQUIRED = 90040;
    /** The URLs whose user may not set WRITE_DELAY, warned about once. */
    private static final Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static final Set<Syntax> SYNTAX = EnumSet.of(Syntax.DOUBLE_SLASH_COMMENTS, Syntax.NESTED_COMMENTS,
            Syntax.DOUBLE_DOLLAR_QUOTES, Syntax.NUMBERED_PARAMS, Syntax.UNICODE_LITERALS, Syntax.CALL_IS_EXPRESSION,
            Syntax.MERGE_USING, Syntax.CREATE_TABLE_COLUMNS_AS_SELECT);

    private H2Backend() {
    }

    /** {@code jdbc:h2:mem:} without a name is a new private database for every connection. */
    @Override
    public boolean isPrivate(String rawUrl) {
        return rawUrl.regionMatches(true, 0, "jdbc:h2:mem:", 0, 12) && (rawUrl.length() == 12 || rawUrl.charAt(12) == ';');
    }

    /** H2 creates a missing database on connect unless told IFEXISTS=TRUE (a memory database is always new). */
    @Override
    public void refuseCreate(String rawUrl, Properties props) {
        String url = rawUrl.toLowerCase(Locale.ROOT);
        if (!url.startsWith("jdbc:h2:mem:") && !url.contains(";ifexists=")
                && props.stringPropertyNames().stream().noneMatch(k -> k.equalsIgnoreCase("IFEXISTS"))) {
            props.setProperty("IFEXISTS", "TRUE");
        }
    }

    /**
     * {@code WRITE_DELAY 0} on a database kept in files, unless the URL or the properties set {@code WRITE_DELAY}. With
     * H2's default (500 ms, commits written to the file in the background) a kill loses the last half-second of
     * commits, and H2 2.4.240 reopened after {@code kill -9} with part of a transaction — through the ledger, rows
     * without their entry (docs/operations.md). H2 records the setting but does not apply it again when it reopens
     * the database (measured), so it is set on every connection: one statement, which needs admin rights; without
     * them the database keeps its delay and a warning (once per URL) says so.
     */
    @Override
    public void prepareConnection(Connection c, String rawUrl, Properties props) throws SQLException {
        if (inMemory(rawUrl) || urlSetting(rawUrl, "WRITE_DELAY") != null
                || props.stringPropertyNames().stream().anyMatch(k -> k.equalsIgnoreCase("WRITE_DELAY"))) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET WRITE_DELAY 0");
        } catch (SQLException e) {
            if (e.getErrorCode() != ADMIN_RIGHTS_REQUIRED) {
                throw e;
            }
            if (WARNED.add(rawUrl)) {
                LOG.log(System.Logger.Level.WARNING, "LedgerJDBC: " + c.getMetaData().getUserName() + " may not set WRITE_DELAY 0 on "
                        + rawUrl + ": after a crash H2 can reopen it with part of a transaction (a change without its ledger entry)."
                        + " Give the user admin rights, or accept the risk by setting WRITE_DELAY in the URL.");
            }
        }
    }

    /** Whether {@code rawUrl} names a database kept in memory ({@code mem:}, {@code memFS:}, {@code memLZF:}), also on a server. */
    static boolean inMemory(String rawUrl) {
        String u = rawUrl.toLowerCase(Locale.ROOT);
        u = u.startsWith("jdbc:h2:") ? u.substring(8) : u;
        if (u.startsWith("tcp://") || u.startsWith("ssl://")) {
            int slash = u.indexOf('/', 6);
            u = slash < 0 ? "" : u.substring(slash + 1);
        }
        return u.startsWith("mem:") || u.startsWith("memfs:") || u.startsWith("memlzf:");
    }

    /** The value of {@code ;KEY=value} in {@code rawUrl} (key in any case), null if the URL does not set it. */
    static String urlSetting(String rawUrl, String key) {
        int i = settingEnd(rawUrl, 0);
        while (i < rawUrl.length()) {
            int end = settingEnd(rawUrl, i + 1);
            String part = rawUrl.substring(i + 1, end);
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equalsIgnoreCase(key)) {
                return part.substring(eq + 1);
            }
            i = end;
        }
        return null;
    }

    /** H2's {@code INIT=} script is left out: it runs again on every connection and may write. */
    @Override
    public String sideUrl(String rawUrl) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < rawUrl.length()) {
            int end = settingEnd(rawUrl, i + 1);
            String part = rawUrl.substring(i, end);
            boolean init = i > 0 && part.regionMatches(true, 0, ";INIT=", 0, 6);
            if (!init) out.append(part);
            i = end;
        }
        return out.toString();
    }

    /** Where the {@code ;KEY=value} part after {@code from} ends: the next {@code ;} not escaped by a backslash. */
    private static int settingEnd(String url, int from) {
        for (int i = from; i < url.length(); i++) {
            char ch = url.charAt(i);
            if (ch == '\\') i++;
            else if (ch == ';') return i;
        }
        return url.length();
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.H2;
    }

    @Override
    public String urlPrefix() {
        return "jdbc:h2:";
    }

    @Override
    public boolean has(Syntax feature) {
        return SYNTAX.contains(feature);
    }

    @Override
    public List<String> nameCandidates(String unquoted) {
        return List.of(unquoted.toUpperCase(Locale.ROOT), unquoted);
    }

    @Override
    public String foldName(String unquoted) {
        return unquoted.toUpperCase(Locale.ROOT);
    }

    @Override
    public String triggerOn(Connection c, String schema, String table) throws SQLException {
        return Queries.first(c, "SELECT TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS WHERE EVENT_OBJECT_TABLE = ? "
                + "AND EVENT_OBJECT_SCHEMA = ?", table, schema);
    }

    @Override
    public String stableRowId() {
        return "_ROWID_";
    }

    @Override
    public String forShare() {
        return " FOR UPDATE";
    }

    @Override
    public String mergeReadLock() {
        return " FOR UPDATE";
    }

    /** Only an embedded H2 database is known to have this process as its one writer. */
    @Override
    public boolean soleWriter(String rawUrl) {
        String u = rawUrl.toUpperCase(Locale.ROOT);
        return !u.startsWith("JDBC:H2:TCP:") && !u.startsWith("JDBC:H2:SSL:") && !u.contains("AUTO_SERVER=TRUE");
    }

    @Override
    public boolean readsCommittedOnSideConnection() {
        return true;
    }

    /** Its server mode types no {@code SELECT ?}: H2 keeps the separate head check. */
    @Override
    public boolean checksHeadInInsert() {
        return false;
    }

    /** {@code commit()} then {@code setAutoCommit(true)} would commit twice (the second empty, but not free). */
    @Override
    public boolean commitsByAutoCommit() {
        return true;
    }

    @Override
    public boolean hasImplicitCommits() {
        return true;
    }

    @Override
    public boolean explicitKeysAdvanceIdentity() {
        return false;
    }

    @Override
    public AutocommitBatch autocommitBatch(boolean prepared) {
        return AutocommitBatch.CONTINUE;
    }

    @Override
    public ReturnedRows updateReturns() {
        return ReturnedRows.KEY_COLUMNS;
    }

    @Override
    public CompositeKeyList compositeKeyList(List<String> keyTypes) {
        return CompositeKeyList.ROW_VALUES;
    }
}
