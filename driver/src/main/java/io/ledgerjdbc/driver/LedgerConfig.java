package io.ledgerjdbc.driver;

import io.ledgerjdbc.ledger.store.SqlStates;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * The validated {@code ledger.*} options of one connection. Sources, highest precedence first: the connection
 * Properties, the file named by {@code ledger.config}, then {@code -Dledger.*} system properties, then
 * defaults. Every value is checked when the connection opens; a bad one is an SQLException naming the key.
 */
public final class LedgerConfig {

    private final Map<LedgerOption, String> values;

    private LedgerConfig(Map<LedgerOption, String> values) {
        this.values = values;
    }

    public static LedgerConfig defaults() {
        try {
            return from(new Properties(), new Properties());
        } catch (SQLException e) {
            throw new IllegalStateException("defaults must be valid", e);
        }
    }

    /** Reads the options from connection properties and the system properties. */
    public static LedgerConfig from(Properties connection) throws SQLException {
        return from(connection, System.getProperties());
    }

    static LedgerConfig from(Properties connection, Properties system) throws SQLException {
        Map<LedgerOption, String> values = new EnumMap<>(LedgerOption.class);
        collect(system, values, "system property");
        String file = connection.getProperty(LedgerOption.CONFIG.key, values.getOrDefault(LedgerOption.CONFIG, ""));
        if (!file.isEmpty()) {
            collect(load(file), values, "file " + file);
        }
        collect(connection, values, "connection property");
        for (LedgerOption o : LedgerOption.values()) {
            values.putIfAbsent(o, o.defaultValue);
            validate(o, values.get(o));
        }
        validateTogether(values);
        return new LedgerConfig(values);
    }

    private static void collect(Properties props, Map<LedgerOption, String> into, String source) throws SQLException {
        for (String key : props.stringPropertyNames()) {
            if (!LedgerOption.isLedgerKey(key)) {
                continue;
            }
            LedgerOption o = LedgerOption.ofKey(key).orElseThrow(() -> new SQLException(
                    "unknown option " + key + " (" + source + "); known: " + knownKeys(), SqlStates.INVALID_ATTRIBUTE_VALUE));
            into.put(o, props.getProperty(key).strip());
        }
    }

    private static Properties load(String file) throws SQLException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new SQLException("ledger.config: cannot read the options file " + FileErrors.describe(e), SqlStates.INVALID_ATTRIBUTE_VALUE, e);
        } catch (RuntimeException e) { // a malformed unicode escape, an invalid path
            throw new SQLException("ledger.config: cannot read the options file " + file + ": " + e.getMessage(), SqlStates.INVALID_ATTRIBUTE_VALUE, e);
        }
        if (p.containsKey(LedgerOption.CONFIG.key)) {
            throw new SQLException("ledger.config: " + file + " must not itself set ledger.config", SqlStates.INVALID_ATTRIBUTE_VALUE);
        }
        return p;
    }

    private static void validate(LedgerOption o, String value) throws SQLException {
        switch (o) {
            case NODE -> {
                if (!value.matches("[A-Za-z0-9._-]{1,64}")) {
                    throw bad(o, value, "1 to 64 letters, digits, '.', '_' or '-'");
                }
            }
            case CREATE -> {
                if (!value.equals("true") && !value.equals("false")) {
                    throw bad(o, value, "true or false");
                }
            }
            case CONFIG, DATA_DIR -> { }
            case NODE_KEY -> {
                if (!value.isEmpty() && !Files.isReadable(Path.of(value))) {
                    throw bad(o, value, "a readable PEM file");
                }
            }
            case MEMBER_KEYS -> {
                if (!value.isEmpty() && !Files.isDirectory(Path.of(value))) {
                    throw bad(o, value, "a directory of <id>.pub.pem files");
                }
            }
            case MEMBERS -> {
                if (!value.isEmpty()) {
                    try {
                        io.ledgerjdbc.replication.ClusterConfig.members(value);
                    } catch (IllegalArgumentException e) {
                        throw bad(o, value, e.getMessage());
                    }
                }
            }
            case BIND -> {
                if (!value.isEmpty()) {
                    try {
                        io.ledgerjdbc.replication.ClusterConfig.bindAddress(value);
                    } catch (IllegalArgumentException e) {
                        throw bad(o, value, e.getMessage());
                    }
                }
            }
            case CLUSTER -> {
                if (!value.matches("[A-Za-z0-9._-]{1,64}")) {
                    throw bad(o, value, "1 to 64 letters, digits, '.', '_' or '-'");
                }
            }
            case COMMIT_TIMEOUT, FAILURE_TIMEOUT -> {
                if (parseDuration(value) == null) {
                    throw bad(o, value, "a positive duration like 500ms, 10s or 1m");
                }
            }
            case SECRET -> {
                if (!value.isEmpty() && value.length() < 16) {
                    throw new SQLException("invalid value for " + o.key + ": expected at least 16 characters", SqlStates.INVALID_ATTRIBUTE_VALUE);
                }
            }
            case RAFT_FSYNC -> {
                if (!value.equals("true") && !value.equals("false")) {
                    throw bad(o, value, "true or false");
                }
            }
            case RAFT_LOG_SIZE -> {
                if (parseSize(value) < 1) {
                    throw bad(o, value, "a positive size like 1048576, 512KiB, 64MiB or 1GiB");
                }
            }
            case READ_CONSISTENCY -> {
                if (!value.equals("local") && !value.equals("linearizable")) {
                    throw bad(o, value, "local or linearizable");
                }
            }
            case DIGEST_EVERY_ENTRIES, DIGEST_EVERY_SECONDS -> {
                if (!value.matches("\\d{1,12}")) {
                    throw bad(o, value, "a whole number from 0 to 999999999999");
                }
            }
            case SEQUENCE_READS -> {
                if (!value.equals("allow") && !value.equals("refuse")) {
                    throw bad(o, value, "allow or refuse");
                }
            }
            case SEAL -> {
                if (!value.equals("wait") && !value.equals("async") && !value.equals("off")) {
                    throw bad(o, value, "wait, async or off");
                }
            }
            case DIGEST_KEY, DIGEST_OUT -> { }
        }
    }

    /** Options that only make sense together. */
    private static void validateTogether(Map<LedgerOption, String> values) throws SQLException {
        boolean key = !values.get(LedgerOption.DIGEST_KEY).isEmpty();
        if (key && values.get(LedgerOption.DIGEST_EVERY_ENTRIES).equals("0") && values.get(LedgerOption.DIGEST_EVERY_SECONDS).equals("0")) {
            throw new SQLException(LedgerOption.DIGEST_KEY.key + " is set but " + LedgerOption.DIGEST_EVERY_ENTRIES.key + " and "
                    + LedgerOption.DIGEST_EVERY_SECONDS.key + " are both 0: no digest would ever be signed", SqlStates.INVALID_ATTRIBUTE_VALUE);
        }
        if (!key && !values.get(LedgerOption.DIGEST_OUT).isEmpty()) {
            throw new SQLException(LedgerOption.DIGEST_OUT.key + " is set without " + LedgerOption.DIGEST_KEY.key
                    + ": there is no key to sign digests with", SqlStates.INVALID_ATTRIBUTE_VALUE);
        }
    }

    private static SQLException bad(LedgerOption o, String value, String expected) {
        return new SQLException("invalid value '" + value + "' for " + o.key + ": expected " + expected, SqlStates.INVALID_ATTRIBUTE_VALUE);
    }

    private static String knownKeys() {
        StringBuilder sb = new StringBuilder();
        for (LedgerOption o : LedgerOption.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(o.key);
        }
        return sb.toString();
    }

    /** The connection properties with every {@code ledger.*} key removed: what the real driver gets. */
    public static Properties realDriverProperties(Properties connection) {
        Properties p = new Properties();
        for (String key : connection.stringPropertyNames()) {
            if (!LedgerOption.isLedgerKey(key)) {
                p.setProperty(key, connection.getProperty(key));
            }
        }
        return p;
    }

    public String get(LedgerOption o) {
        return values.get(o);
    }

    public String node() {
        return values.get(LedgerOption.NODE);
    }

    /** {@code 250ms}, {@code 10s}, {@code 1m}, or a number of milliseconds; null when malformed or not positive. */
    static java.time.Duration parseDuration(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m)?").matcher(value);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        java.time.Duration d = m.group(2) == null || m.group(2).equals("ms") ? java.time.Duration.ofMillis(n)
                : m.group(2).equals("s") ? java.time.Duration.ofSeconds(n) : java.time.Duration.ofMinutes(n);
        return d.isZero() ? null : d;
    }

    /** {@code 4096}, {@code 512KiB}, {@code 64MiB}, {@code 1GiB}; -1 when malformed. */
    static long parseSize(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(KiB|MiB|GiB)?").matcher(value);
        if (!m.matches()) {
            return -1;
        }
        int shift = m.group(2) == null ? 0 : m.group(2).equals("KiB") ? 10 : m.group(2).equals("MiB") ? 20 : 30;
        return Long.parseLong(m.group(1)) << shift;
    }

    /** Whether this connection belongs to a cluster (a member list is configured). */
    public boolean clustered() {
        return !values.get(LedgerOption.MEMBERS).isEmpty();
    }

    /** The cluster membership these options describe; call only when {@link #clustered()}. */
    public io.ledgerjdbc.replication.ClusterConfig clusterConfig() throws SQLException {
        try {
            String secret = values.get(LedgerOption.SECRET);
            return new io.ledgerjdbc.replication.ClusterConfig(node(),
                    io.ledgerjdbc.replication.ClusterConfig.members(values.get(LedgerOption.MEMBERS)),
                    values.get(LedgerOption.CLUSTER), Path.of(values.get(LedgerOption.DATA_DIR)),
                    parseDuration(values.get(LedgerOption.COMMIT_TIMEOUT)), parseDuration(values.get(LedgerOption.FAILURE_TIMEOUT)),
                    secret.isEmpty() ? null : secret, Boolean.parseBoolean(values.get(LedgerOption.RAFT_FSYNC)),
                    parseSize(values.get(LedgerOption.RAFT_LOG_SIZE)),
                    values.get(LedgerOption.BIND).isEmpty() ? null : io.ledgerjdbc.replication.ClusterConfig.bindAddress(values.get(LedgerOption.BIND)));
        } catch (IllegalArgumentException e) {
            throw new SQLException("invalid cluster configuration: " + e.getMessage() + " (ledger.node, ledger.members)", SqlStates.INVALID_ATTRIBUTE_VALUE, e);
        }
    }

    public boolean linearizableReads() {
        return values.get(LedgerOption.READ_CONSISTENCY).equals("linearizable");
    }

    public boolean createLedger() {
        return Boolean.parseBoolean(values.get(LedgerOption.CREATE));
    }

    /** {@code ledger.sequenceReads=allow}: queries that only take sequence values run unrecorded. */
    public boolean allowSequenceReads() {
        return "allow".equals(values.get(LedgerOption.SEQUENCE_READS));
    }
}
