package io.ledgerjdbc.driver.jdbc;

import io.ledgerjdbc.ledger.store.SqlStates;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * A ResultSet the application holds. Everything delegates unchanged except {@link #getStatement()}, which returns
 * the wrapper the result set was obtained from (null for those of {@link LedgerDatabaseMetaData}) rather than the
 * real driver's statement, through which the application could execute writes the ledger would not see.
 */
public final class LedgerResultSet implements ResultSet {

    private final Statement owner;
    private final ResultSet real;

    public LedgerResultSet(Statement owner, ResultSet real) {
        this.owner = owner;
        this.real = real;
    }

    /** {@code real} wrapped, or null if it is null. */
    public static LedgerResultSet of(Statement owner, ResultSet real) {
        return real == null ? null : new LedgerResultSet(owner, real);
    }

    // Owner (the real call still runs, so a closed result set fails as the real driver's does)

    @Override
    public Statement getStatement() throws SQLException {
        real.getStatement();
        return owner;
    }

    // Cursor movement

    @Override
    public boolean absolute(int row) throws SQLException {
        return real.absolute(row);
    }

    @Override
    public void afterLast() throws SQLException {
        real.afterLast();
    }

    @Override
    public void beforeFirst() throws SQLException {
        real.beforeFirst();
    }

    @Override
    public boolean first() throws SQLException {
        return real.first();
    }

    @Override
    public int getRow() throws SQLException {
        return real.getRow();
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        return real.isAfterLast();
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        return real.isBeforeFirst();
    }

    @Override
    public boolean isFirst() throws SQLException {
        return real.isFirst();
    }

    @Override
    public boolean isLast() throws SQLException {
        return real.isLast();
    }

    @Override
    public boolean last() throws SQLException {
        return real.last();
    }

    @Override
    public boolean next() throws SQLException {
        return real.next();
    }

    @Override
    public boolean previous() throws SQLException {
        return real.previous();
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        return real.relative(rows);
    }

    // Getters by column index

    @Override
    public Array getArray(int columnIndex) throws SQLException {
        return real.getArray(columnIndex);
    }

    @Override
    public InputStream getAsciiStream(int columnIndex) throws SQLException {
        return real.getAsciiStream(columnIndex);
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
        return real.getBigDecimal(columnIndex);
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
        return real.getBigDecimal(columnIndex, scale);
    }

    @Override
    public InputStream getBinaryStream(int columnIndex) throws SQLException {
        return real.getBinaryStream(columnIndex);
    }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        return real.getBlob(columnIndex);
    }

    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        return real.getBoolean(columnIndex);
    }

    @Override
    public byte getByte(int columnIndex) throws SQLException {
        return real.getByte(columnIndex);
    }

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        return real.getBytes(columnIndex);
    }

    @Override
    public Reader getCharacterStream(int columnIndex) throws SQLException {
        return real.getCharacterStream(columnIndex);
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        return real.getClob(columnIndex);
    }

    @Override
    public Date getDate(int columnIndex) throws SQLException {
        return real.getDate(columnIndex);
    }

    @Override
    public Date getDate(int columnIndex, Calendar cal) throws SQLException {
        return real.getDate(columnIndex, cal);
    }

    @Override
    public double getDouble(int columnIndex) throws SQLException {
        return real.getDouble(columnIndex);
    }

    @Override
    public float getFloat(int columnIndex) throws SQLException {
        return real.getFloat(columnIndex);
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        return real.getInt(columnIndex);
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        return real.getLong(columnIndex);
    }

    @Override
    public Reader getNCharacterStream(int columnIndex) throws SQLException {
        return real.getNCharacterStream(columnIndex);
    }

    @Override
    public NClob getNClob(int columnIndex) throws SQLException {
        return real.getNClob(columnIndex);
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        return real.getNString(columnIndex);
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return real.getObject(columnIndex);
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        return real.getObject(columnIndex, type);
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        return real.getObject(columnIndex, map);
    }

    @Override
    public Ref getRef(int columnIndex) throws SQLException {
        return real.getRef(columnIndex);
    }

    @Override
    public RowId getRowId(int columnIndex) throws SQLException {
        return real.getRowId(columnIndex);
    }

    @Override
    public SQLXML getSQLXML(int columnIndex) throws SQLException {
        return real.getSQLXML(columnIndex);
    }

    @Override
    public short getShort(int columnIndex) throws SQLException {
        return real.getShort(columnIndex);
    }

    @Override
    public String getString(int columnIndex) throws SQLException {
        return real.getString(columnIndex);
    }

    @Override
    public Time getTime(int columnIndex) throws SQLException {
        return real.getTime(columnIndex);
    }

    @Override
    public Time getTime(int columnIndex, Calendar cal) throws SQLException {
        return real.getTime(columnIndex, cal);
    }

    @Override
    public Timestamp getTimestamp(int columnIndex) throws SQLException {
        return real.getTimestamp(columnIndex);
    }

    @Override
    public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
        return real.getTimestamp(columnIndex, cal);
    }

    @Override
    public URL getURL(int columnIndex) throws SQLException {
        return real.getURL(columnIndex);
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(int columnIndex) throws SQLException {
        return real.getUnicodeStream(columnIndex);
    }

    // Getters by column label

    @Override
    public Array getArray(String columnLabel) throws SQLException {
        return real.getArray(columnLabel);
    }

    @Override
    public InputStream getAsciiStream(String columnLabel) throws SQLException {
        return real.getAsciiStream(columnLabel);
    }

    @Override
    public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
        return real.getBigDecimal(columnLabel);
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(String columnLabel, int scale) throws SQLException {
        return real.getBigDecimal(columnLabel, scale);
    }

    @Override
    public InputStream getBinaryStream(String columnLabel) throws SQLException {
        return real.getBinaryStream(columnLabel);
    }

    @Override
    public Blob getBlob(String columnLabel) throws SQLException {
        return real.getBlob(columnLabel);
    }

    @Override
    public boolean getBoolean(String columnLabel) throws SQLException {
        return real.getBoolean(columnLabel);
    }

    @Override
    public byte getByte(String columnLabel) throws SQLException {
        return real.getByte(columnLabel);
    }

    @Override
    public byte[] getBytes(String columnLabel) throws SQLException {
        return real.getBytes(columnLabel);
    }

    @Override
    public Reader getCharacterStream(String columnLabel) throws SQLException {
        return real.getCharacterStream(columnLabel);
    }

    @Override
    public Clob getClob(String columnLabel) throws SQLException {
        return real.getClob(columnLabel);
    }

    @Override
    public Date getDate(String columnLabel) throws SQLException {
        return real.getDate(columnLabel);
    }

    @Override
    public Date getDate(String columnLabel, Calendar cal) throws SQLException {
        return real.getDate(columnLabel, cal);
    }

    @Override
    public double getDouble(String columnLabel) throws SQLException {
        return real.getDouble(columnLabel);
    }

    @Override
    public float getFloat(String columnLabel) throws SQLException {
        return real.getFloat(columnLabel);
    }

    @Override
    public int getInt(String columnLabel) throws SQLException {
        return real.getInt(columnLabel);
    }

    @Override
    public long getLong(String columnLabel) throws SQLException {
        return real.getLong(columnLabel);
    }

    @Override
    public Reader getNCharacterStream(String columnLabel) throws SQLException {
        return real.getNCharacterStream(columnLabel);
    }

    @Override
    public NClob getNClob(String columnLabel) throws SQLException {
        return real.getNClob(columnLabel);
    }

    @Override
    public String getNString(String columnLabel) throws SQLException {
        return real.getNString(columnLabel);
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return real.getObject(columnLabel);
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return real.getObject(columnLabel, type);
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        return real.getObject(columnLabel, map);
    }

    @Override
    public Ref getRef(String columnLabel) throws SQLException {
        return real.getRef(columnLabel);
    }

    @Override
    public RowId getRowId(String columnLabel) throws SQLException {
        return real.getRowId(columnLabel);
    }

    @Override
    public SQLXML getSQLXML(String columnLabel) throws SQLException {
        return real.getSQLXML(columnLabel);
    }

    @Override
    public short getShort(String columnLabel) throws SQLException {
        return real.getShort(columnLabel);
    }

    @Override
    public String getString(String columnLabel) throws SQLException {
        return real.getString(columnLabel);
    }

    @Override
    public Time getTime(String columnLabel) throws SQLException {
        return real.getTime(columnLabel);
    }

    @Override
    public Time getTime(String columnLabel, Calendar cal) throws SQLException {
        return real.getTime(columnLabel, cal);
    }

    @Override
    public Timestamp getTimestamp(String columnLabel) throws SQLException {
        return real.getTimestamp(columnLabel);
    }

    @Override
    public Timestamp getTimestamp(String columnLabel, Calendar cal) throws SQLException {
        return real.getTimestamp(columnLabel, cal);
    }

    @Override
    public URL getURL(String columnLabel) throws SQLException {
        return real.getURL(columnLabel);
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(String columnLabel) throws SQLException {
        return real.getUnicodeStream(columnLabel);
    }

    // Updaters by column index

    @Override
    public void updateArray(int columnIndex, Array x) throws SQLException {
        real.updateArray(columnIndex, x);
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x) throws SQLException {
        real.updateAsciiStream(columnIndex, x);
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, int length) throws SQLException {
        real.updateAsciiStream(columnIndex, x, length);
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, long length) throws SQLException {
        real.updateAsciiStream(columnIndex, x, length);
    }

    @Override
    public void updateBigDecimal(int columnIndex, BigDecimal x) throws SQLException {
        real.updateBigDecimal(columnIndex, x);
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x) throws SQLException {
        real.updateBinaryStream(columnIndex, x);
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, int length) throws SQLException {
        real.updateBinaryStream(columnIndex, x, length);
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, long length) throws SQLException {
        real.updateBinaryStream(columnIndex, x, length);
    }

    @Override
    public void updateBlob(int columnIndex, InputStream x) throws SQLException {
        real.updateBlob(columnIndex, x);
    }

    @Override
    public void updateBlob(int columnIndex, Blob x) throws SQLException {
        real.updateBlob(columnIndex, x);
    }

    @Override
    public void updateBlob(int columnIndex, InputStream x, long length) throws SQLException {
        real.updateBlob(columnIndex, x, length);
    }

    @Override
    public void updateBoolean(int columnIndex, boolean x) throws SQLException {
        real.updateBoolean(columnIndex, x);
    }

    @Override
    public void updateByte(int columnIndex, byte x) throws SQLException {
        real.updateByte(columnIndex, x);
    }

    @Override
    public void updateBytes(int columnIndex, byte[] x) throws SQLException {
        real.updateBytes(columnIndex, x);
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader reader) throws SQLException {
        real.updateCharacterStream(columnIndex, reader);
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader reader, int length) throws SQLException {
        real.updateCharacterStream(columnIndex, reader, length);
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader reader, long length) throws SQLException {
        real.updateCharacterStream(columnIndex, reader, length);
    }

    @Override
    public void updateClob(int columnIndex, Reader reader) throws SQLException {
        real.updateClob(columnIndex, reader);
    }

    @Override
    public void updateClob(int columnIndex, Clob x) throws SQLException {
        real.updateClob(columnIndex, x);
    }

    @Override
    public void updateClob(int columnIndex, Reader reader, long length) throws SQLException {
        real.updateClob(columnIndex, reader, length);
    }

    @Override
    public void updateDate(int columnIndex, Date x) throws SQLException {
        real.updateDate(columnIndex, x);
    }

    @Override
    public void updateDouble(int columnIndex, double x) throws SQLException {
        real.updateDouble(columnIndex, x);
    }

    @Override
    public void updateFloat(int columnIndex, float x) throws SQLException {
        real.updateFloat(columnIndex, x);
    }

    @Override
    public void updateInt(int columnIndex, int x) throws SQLException {
        real.updateInt(columnIndex, x);
    }

    @Override
    public void updateLong(int columnIndex, long x) throws SQLException {
        real.updateLong(columnIndex, x);
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader reader) throws SQLException {
        real.updateNCharacterStream(columnIndex, reader);
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader reader, long length) throws SQLException {
        real.updateNCharacterStream(columnIndex, reader, length);
    }

    @Override
    public void updateNClob(int columnIndex, Reader reader) throws SQLException {
        real.updateNClob(columnIndex, reader);
    }

    @Override
    public void updateNClob(int columnIndex, NClob x) throws SQLException {
        real.updateNClob(columnIndex, x);
    }

    @Override
    public void updateNClob(int columnIndex, Reader reader, long length) throws SQLException {
        real.updateNClob(columnIndex, reader, length);
    }

    @Override
    public void updateNString(int columnIndex, String x) throws SQLException {
        real.updateNString(columnIndex, x);
    }

    @Override
    public void updateNull(int columnIndex) throws SQLException {
        real.updateNull(columnIndex);
    }

    @Override
    public void updateObject(int columnIndex, Object x) throws SQLException {
        real.updateObject(columnIndex, x);
    }

    @Override
    public void updateObject(int columnIndex, Object x, int scaleOrLength) throws SQLException {
        real.updateObject(columnIndex, x, scaleOrLength);
    }

    @Override
    public void updateObject(int columnIndex, Object x, SQLType targetSqlType) throws SQLException {
        real.updateObject(columnIndex, x, targetSqlType);
    }

    @Override
    public void updateObject(int columnIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        real.updateObject(columnIndex, x, targetSqlType, scaleOrLength);
    }

    @Override
    public void updateRef(int columnIndex, Ref x) throws SQLException {
        real.updateRef(columnIndex, x);
    }

    @Override
    public void updateRowId(int columnIndex, RowId x) throws SQLException {
        real.updateRowId(columnIndex, x);
    }

    @Override
    public void updateSQLXML(int columnIndex, SQLXML x) throws SQLException {
        real.updateSQLXML(columnIndex, x);
    }

    @Override
    public void updateShort(int columnIndex, short x) throws SQLException {
        real.updateShort(columnIndex, x);
    }

    @Override
    public void updateString(int columnIndex, String x) throws SQLException {
        real.updateString(columnIndex, x);
    }

    @Override
    public void updateTime(int columnIndex, Time x) throws SQLException {
        real.updateTime(columnIndex, x);
    }

    @Override
    public void updateTimestamp(int columnIndex, Timestamp x) throws SQLException {
        real.updateTimestamp(columnIndex, x);
    }

    // Updaters by column label

    @Override
    public void updateArray(String columnLabel, Array x) throws SQLException {
        real.updateArray(columnLabel, x);
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x) throws SQLException {
        real.updateAsciiStream(columnLabel, x);
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, int length) throws SQLException {
        real.updateAsciiStream(columnLabel, x, length);
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, long length) throws SQLException {
        real.updateAsciiStream(columnLabel, x, length);
    }

    @Override
    public void updateBigDecimal(String columnLabel, BigDecimal x) throws SQLException {
        real.updateBigDecimal(columnLabel, x);
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x) throws SQLException {
        real.updateBinaryStream(columnLabel, x);
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, int length) throws SQLException {
        real.updateBinaryStream(columnLabel, x, length);
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, long length) throws SQLException {
        real.updateBinaryStream(columnLabel, x, length);
    }

    @Override
    public void updateBlob(String columnLabel, InputStream x) throws SQLException {
        real.updateBlob(columnLabel, x);
    }

    @Override
    public void updateBlob(String columnLabel, Blob x) throws SQLException {
        real.updateBlob(columnLabel, x);
    }

    @Override
    public void updateBlob(String columnLabel, InputStream x, long length) throws SQLException {
        real.updateBlob(columnLabel, x, length);
    }

    @Override
    public void updateBoolean(String columnLabel, boolean x) throws SQLException {
        real.updateBoolean(columnLabel, x);
    }

    @Override
    public void updateByte(String columnLabel, byte x) throws SQLException {
        real.updateByte(columnLabel, x);
    }

    @Override
    public void updateBytes(String columnLabel, byte[] x) throws SQLException {
        real.updateBytes(columnLabel, x);
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader) throws SQLException {
        real.updateCharacterStream(columnLabel, reader);
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader, int length) throws SQLException {
        real.updateCharacterStream(columnLabel, reader, length);
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader, long length) throws SQLException {
        real.updateCharacterStream(columnLabel, reader, length);
    }

    @Override
    public void updateClob(String columnLabel, Reader reader) throws SQLException {
        real.updateClob(columnLabel, reader);
    }

    @Override
    public void updateClob(String columnLabel, Clob x) throws SQLException {
        real.updateClob(columnLabel, x);
    }

    @Override
    public void updateClob(String columnLabel, Reader reader, long length) throws SQLException {
        real.updateClob(columnLabel, reader, length);
    }

    @Override
    public void updateDate(String columnLabel, Date x) throws SQLException {
        real.updateDate(columnLabel, x);
    }

    @Override
    public void updateDouble(String columnLabel, double x) throws SQLException {
        real.updateDouble(columnLabel, x);
    }

    @Override
    public void updateFloat(String columnLabel, float x) throws SQLException {
        real.updateFloat(columnLabel, x);
    }

    @Override
    public void updateInt(String columnLabel, int x) throws SQLException {
        real.updateInt(columnLabel, x);
    }

    @Override
    public void updateLong(String columnLabel, long x) throws SQLException {
        real.updateLong(columnLabel, x);
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader reader) throws SQLException {
        real.updateNCharacterStream(columnLabel, reader);
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader reader, long length) throws SQLException {
        real.updateNCharacterStream(columnLabel, reader, length);
    }

    @Override
    public void updateNClob(String columnLabel, Reader reader) throws SQLException {
        real.updateNClob(columnLabel, reader);
    }

    @Override
    public void updateNClob(String columnLabel, NClob x) throws SQLException {
        real.updateNClob(columnLabel, x);
    }

    @Override
    public void updateNClob(String columnLabel, Reader reader, long length) throws SQLException {
        real.updateNClob(columnLabel, reader, length);
    }

    @Override
    public void updateNString(String columnLabel, String x) throws SQLException {
        real.updateNString(columnLabel, x);
    }

    @Override
    public void updateNull(String columnLabel) throws SQLException {
        real.updateNull(columnLabel);
    }

    @Override
    public void updateObject(String columnLabel, Object x) throws SQLException {
        real.updateObject(columnLabel, x);
    }

    @Override
    public void updateObject(String columnLabel, Object x, int scaleOrLength) throws SQLException {
        real.updateObject(columnLabel, x, scaleOrLength);
    }

    @Override
    public void updateObject(String columnLabel, Object x, SQLType targetSqlType) throws SQLException {
        real.updateObject(columnLabel, x, targetSqlType);
    }

    @Override
    public void updateObject(String columnLabel, Object x, SQLType targetSqlType, int scaleOrLength)
            throws SQLException {
        real.updateObject(columnLabel, x, targetSqlType, scaleOrLength);
    }

    @Override
    public void updateRef(String columnLabel, Ref x) throws SQLException {
        real.updateRef(columnLabel, x);
    }

    @Override
    public void updateRowId(String columnLabel, RowId x) throws SQLException {
        real.updateRowId(columnLabel, x);
    }

    @Override
    public void updateSQLXML(String columnLabel, SQLXML x) throws SQLException {
        real.updateSQLXML(columnLabel, x);
    }

    @Override
    public void updateShort(String columnLabel, short x) throws SQLException {
        real.updateShort(columnLabel, x);
    }

    @Override
    public void updateString(String columnLabel, String x) throws SQLException {
        real.updateString(columnLabel, x);
    }

    @Override
    public void updateTime(String columnLabel, Time x) throws SQLException {
        real.updateTime(columnLabel, x);
    }

    @Override
    public void updateTimestamp(String columnLabel, Timestamp x) throws SQLException {
        real.updateTimestamp(columnLabel, x);
    }

    // Row changes (updatable result sets)

    @Override
    public void cancelRowUpdates() throws SQLException {
        real.cancelRowUpdates();
    }

    @Override
    public void deleteRow() throws SQLException {
        throw updatableRefused("deleteRow");
    }

    @Override
    public void insertRow() throws SQLException {
        throw updatableRefused("insertRow");
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        real.moveToCurrentRow();
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        real.moveToInsertRow();
    }

    @Override
    public void refreshRow() throws SQLException {
        real.refreshRow();
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        return real.rowDeleted();
    }

    @Override
    public boolean rowInserted() throws SQLException {
        return real.rowInserted();
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        return real.rowUpdated();
    }

    @Override
    public void updateRow() throws SQLException {
        throw updatableRefused("updateRow");
    }

    // Lifecycle

    @Override
    public void close() throws SQLException {
        real.close();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return real.isClosed();
    }

    // Properties

    @Override
    public void clearWarnings() throws SQLException {
        real.clearWarnings();
    }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        return real.findColumn(columnLabel);
    }

    @Override
    public int getConcurrency() throws SQLException {
        return real.getConcurrency();
    }

    @Override
    public String getCursorName() throws SQLException {
        return real.getCursorName();
    }

    @Override
    public int getFetchDirection() throws SQLException {
        return real.getFetchDirection();
    }

    @Override
    public int getFetchSize() throws SQLException {
        return real.getFetchSize();
    }

    @Override
    public int getHoldability() throws SQLException {
        return real.getHoldability();
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return real.getMetaData();
    }

    @Override
    public int getType() throws SQLException {
        return real.getType();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return real.getWarnings();
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        real.setFetchDirection(direction);
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        real.setFetchSize(rows);
    }

    @Override
    public boolean wasNull() throws SQLException {
        return real.wasNull();
    }

    // Wrapper

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return Wrappers.unwrap(this, real, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return Wrappers.isWrapperFor(this, real, iface);
    }

    /** Writes through an updatable result set bypass capture: refused, never run unrecorded. */
    private static SQLException updatableRefused(String method) {
        return new java.sql.SQLFeatureNotSupportedException("LedgerJDBC refuses ResultSet." + method + "(): writes through "
                + "an updatable result set cannot be captured; use UPDATE, INSERT or DELETE statements (nothing was executed or "
                + "recorded)", SqlStates.FEATURE_NOT_SUPPORTED);
    }
}
