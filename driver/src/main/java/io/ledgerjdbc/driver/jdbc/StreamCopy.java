package io.ledgerjdbc.driver.jdbc;

import io.ledgerjdbc.ledger.store.SqlStates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;

/**
 * In-memory copies of the streams and readers bound to a PreparedStatement. A stream can be read only once,
 * but a bound parameter is read by the real statement and again by every replay of its binder, so the wrappers
 * read it once into a copy and hand out fresh streams over the copy.
 *
 * <p>A length argument is respected (at most that many bytes or characters are read); a negative length reads
 * to the end, as drivers that accept it ("unknown length") do. The real statement still receives the caller's
 * length argument, so its own checks behave as before. A null stream stays null.
 */
final class StreamCopy {

    /** The largest array the JVM reliably allocates. */
    private static final long MAX = Integer.MAX_VALUE - 8;

    private StreamCopy() {
    }

    static byte[] bytes(InputStream in) throws SQLException {
        return bytes(in, -1);
    }

    static byte[] bytes(InputStream in, long length) throws SQLException {
        if (in == null) {
            return null;
        }
        long limit = length < 0 ? Long.MAX_VALUE : length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        try {
            while (total < limit) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > MAX) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
        return out.toByteArray();
    }

    static String chars(Reader in) throws SQLException {
        return chars(in, -1);
    }

    static String chars(Reader in, long length) throws SQLException {
        if (in == null) {
            return null;
        }
        long limit = length < 0 ? Long.MAX_VALUE : length;
        StringBuilder out = new StringBuilder();
        char[] buffer = new char[8192];
        long total = 0;
        try {
            while (total < limit) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > MAX) {
                    throw tooLarge();
                }
                out.append(buffer, 0, n);
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
        return out.toString();
    }

    /** A fresh stream over a copy (null for null). */
    static InputStream stream(byte[] copy) {
        return copy == null ? null : new ByteArrayInputStream(copy);
    }

    /** A fresh reader over a copy (null for null). */
    static Reader reader(String copy) {
        return copy == null ? null : new StringReader(copy);
    }

    /** For {@code setObject}: a stream or reader value is copied; any other value is kept as it is. */
    static Object copyOf(Object value) throws SQLException {
        if (value instanceof InputStream in) {
            return new Bytes(bytes(in));
        }
        if (value instanceof Reader in) {
            return new Chars(chars(in));
        }
        return value;
    }

    /** For {@code setObject}: the value to bind for something {@link #copyOf} returned (a fresh stream over a copy). */
    static Object replay(Object copy) {
        if (copy instanceof Bytes b) {
            return stream(b.bytes);
        }
        if (copy instanceof Chars c) {
            return reader(c.chars);
        }
        return copy;
    }

    private record Bytes(byte[] bytes) {
    }

    private record Chars(String chars) {
    }

    private static SQLException tooLarge() {
        return new SQLFeatureNotSupportedException("LedgerJDBC: stream parameters larger than " + MAX
                + " bytes or characters cannot be recorded", SqlStates.FEATURE_NOT_SUPPORTED);
    }

    private static SQLException unreadable(IOException e) {
        return new SQLException("LedgerJDBC: could not read the stream bound to a parameter: " + e.getMessage(),
                SqlStates.GENERAL_ERROR, e);
    }
}
