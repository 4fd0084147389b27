package io.ledgerjdbc.driver.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * The CallableStatement the application holds. Executions go through the {@link Session} like those of
 * {@link LedgerPreparedStatement} (the session refuses CALL, whose effects it cannot capture); setters by index
 * are recorded as there. Out parameters, getters and setters by parameter name delegate unchanged: capture binds
 * by index only, so named setters are not recorded.
 */
public final class LedgerCallableStatement extends LedgerPreparedStatement implements CallableStatement {

    private final CallableStatement real;

    public LedgerCallableStatement(LedgerConnection owner, CallableStatement real, String sql) {
        super(owner, real, sql, KeyRequest.NONE);
        this.real = real;
    }

    // Out parameters

    @Override
    public void registerOutParameter(String parameterName, int sqlType) throws SQLException {
        real.registerOutParameter(parameterName, sqlType);
    }

    @Override
    public void registerOutParameter(String parameterName, SQLType sqlType) throws SQLException {
        real.registerOutParameter(parameterName, sqlType);
    }

    @Override
    public void registerOutParameter(int parameterIndex, int sqlType) throws SQLException {
        real.registerOutParameter(parameterIndex, sqlType);
    }

    @Override
    public void registerOutParameter(int parameterIndex, SQLType sqlType) throws SQLException {
        real.registerOutParameter(parameterIndex, sqlType);
    }

    @Override
    public void registerOutParameter(String parameterName, int sqlType, String typeName) throws SQLException {
        real.registerOutParameter(parameterName, sqlType, typeName);
    }

    @Override
    public void registerOutParameter(String parameterName, int sqlType, int scale) throws SQLException {
        real.registerOutParameter(parameterName, sqlType, scale);
    }

    @Override
    public void registerOutParameter(String parameterName, SQLType sqlType, String typeName) throws SQLException {
        real.registerOutParameter(parameterName, sqlType, typeName);
    }

    @Override
    public void registerOutParameter(String parameterName, SQLType sqlType, int scale) throws SQLException {
        real.registerOutParameter(parameterName, sqlType, scale);
    }

    @Override
    public void registerOutParameter(int parameterIndex, int sqlType, String typeName) throws SQLException {
        real.registerOutParameter(parameterIndex, sqlType, typeName);
    }

    @Override
    public void registerOutParameter(int parameterIndex, int sqlType, int scale) throws SQLException {
        real.registerOutParameter(parameterIndex, sqlType, scale);
    }

    @Override
    public void registerOutParameter(int parameterIndex, SQLType sqlType, String typeName) throws SQLException {
        real.registerOutParameter(parameterIndex, sqlType, typeName);
    }

    @Override
    public void registerOutParameter(int parameterIndex, SQLType sqlType, int scale) throws SQLException {
        real.registerOutParameter(parameterIndex, sqlType, scale);
    }

    @Override
    public boolean wasNull() throws SQLException {
        return real.wasNull();
    }

    // Getters by parameter index

    @Override
    public Array getArray(int parameterIndex) throws SQLException {
        return real.getArray(parameterIndex);
    }

    @Override
    public BigDecimal getBigDecimal(int parameterIndex) throws SQLException {
        return real.getBigDecimal(parameterIndex);
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int parameterIndex, int scale) throws SQLException {
        return real.getBigDecimal(parameterIndex, scale);
    }

    @Override
    public Blob getBlob(int parameterIndex) throws SQLException {
        return real.getBlob(parameterIndex);
    }

    @Override
    public boolean getBoolean(int parameterIndex) throws SQLException {
        return real.getBoolean(parameterIndex);
    }

    @Override
    public byte getByte(int parameterIndex) throws SQLException {
        return real.getByte(parameterIndex);
    }

    @Override
    public byte[] getBytes(int parameterIndex) throws SQLException {
        return real.getBytes(parameterIndex);
    }

    @Override
    public Reader getCharacterStream(int parameterIndex) throws SQLException {
        return real.getCharacterStream(parameterIndex);
    }

    @Override
    public Clob getClob(int parameterIndex) throws SQLException {
        return real.getClob(parameterIndex);
    }

    @Override
    public Date getDate(int parameterIndex) throws SQLException {
        return real.getDate(parameterIndex);
    }

    @Override
    public Date getDate(int parameterIndex, Calendar cal) throws SQLException {
        return real.getDate(parameterIndex, cal);
    }

    @Override
    public double getDouble(int parameterIndex) throws SQLException {
        return real.getDouble(parameterIndex);
    }

    @Override
    public float getFloat(int parameterIndex) throws SQLException {
        return real.getFloat(parameterIndex);
    }

    @Override
    public int getInt(int parameterIndex) throws SQLException {
        return real.getInt(parameterIndex);
    }

    @Override
    public long getLong(int parameterIndex) throws SQLException {
        return real.getLong(parameterIndex);
    }

    @Override
    public Reader getNCharacterStream(int parameterIndex) throws SQLException {
        return real.getNCharacterStream(parameterIndex);
    }

    @Override
    public NClob getNClob(int parameterIndex) throws SQLException {
        return real.getNClob(parameterIndex);
    }

    @Override
    public String getNString(int parameterIndex) throws SQLException {
        return real.getNString(parameterIndex);
    }

    @Override
    public Object getObject(int parameterIndex) throws SQLException {
        return real.getObject(parameterIndex);
    }

    @Override
    public <T> T getObject(int parameterIndex, Class<T> type) throws SQLException {
        return real.getObject(parameterIndex, type);
    }

    @Override
    public Object getObject(int parameterIndex, Map<String, Class<?>> map) throws SQLException {
        return real.getObject(parameterIndex, map);
    }

    @Override
    public Ref getRef(int parameterIndex) throws SQLException {
        return real.getRef(parameterIndex);
    }

    @Override
    public RowId getRowId(int parameterIndex) throws SQLException {
        return real.getRowId(parameterIndex);
    }

    @Override
    public SQLXML getSQLXML(int parameterIndex) throws SQLException {
        return real.getSQLXML(parameterIndex);
    }

    @Override
    public short getShort(int parameterIndex) throws SQLException {
        return real.getShort(parameterIndex);
    }

    @Override
    public String getString(int parameterIndex) throws SQLException {
        return real.getString(parameterIndex);
    }

    @Override
    public Time getTime(int parameterIndex) throws SQLException {
        return real.getTime(parameterIndex);
    }

    @Override
    public Time getTime(int parameterIndex, Calendar cal) throws SQLException {
        return real.getTime(parameterIndex, cal);
    }

    @Override
    public Timestamp getTimestamp(int parameterIndex) throws SQLException {
        return real.getTimestamp(parameterIndex);
    }

    @Override
    public Timestamp getTimestamp(int parameterIndex, Calendar cal) throws SQLException {
        return real.getTimestamp(parameterIndex, cal);
    }

    @Override
    public URL getURL(int parameterIndex) throws SQLException {
        return real.getURL(parameterIndex);
    }

    // Getters by parameter name

    @Override
    public Array getArray(String parameterName) throws SQLException {
        return real.getArray(parameterName);
    }

    @Override
    public BigDecimal getBigDecimal(String parameterName) throws SQLException {
        return real.getBigDecimal(parameterName);
    }

    @Override
    public Blob getBlob(String parameterName) throws SQLException {
        return real.getBlob(parameterName);
    }

    @Override
    public boolean getBoolean(String parameterName) throws SQLException {
        return real.getBoolean(parameterName);
    }

    @Override
    public byte getByte(String parameterName) throws SQLException {
        return real.getByte(parameterName);
    }

    @Override
    public byte[] getBytes(String parameterName) throws SQLException {
        return real.getBytes(parameterName);
    }

    @Override
    public Reader getCharacterStream(String parameterName) throws SQLException {
        return real.getCharacterStream(parameterName);
    }

    @Override
    public Clob getClob(String parameterName) throws SQLException {
        return real.getClob(parameterName);
    }

    @Override
    public Date getDate(String parameterName) throws SQLException {
        return real.getDate(parameterName);
    }

    @Override
    public Date getDate(String parameterName, Calendar cal) throws SQLException {
        return real.getDate(parameterName, cal);
    }

    @Override
    public double getDouble(String parameterName) throws SQLException {
        return real.getDouble(parameterName);
    }

    @Override
    public float getFloat(String parameterName) throws SQLException {
        return real.getFloat(parameterName);
    }

    @Override
    public int getInt(String parameterName) throws SQLException {
        return real.getInt(parameterName);
    }

    @Override
    public long getLong(String parameterName) throws SQLException {
        return real.getLong(parameterName);
    }

    @Override
    public Reader getNCharacterStream(String parameterName) throws SQLException {
        return real.getNCharacterStream(parameterName);
    }

    @Override
    public NClob getNClob(String parameterName) throws SQLException {
        return real.getNClob(parameterName);
    }

    @Override
    public String getNString(String parameterName) throws SQLException {
        return real.getNString(parameterName);
    }

    @Override
    public Object getObject(String parameterName) throws SQLException {
        return real.getObject(parameterName);
    }

    @Override
    public <T> T getObject(String parameterName, Class<T> type) throws SQLException {
        return real.getObject(parameterName, type);
    }

    @Override
    public Object getObject(String parameterName, Map<String, Class<?>> map) throws SQLException {
        return real.getObject(parameterName, map);
    }

    @Override
    public Ref getRef(String parameterName) throws SQLException {
        return real.getRef(parameterName);
    }

    @Override
    public RowId getRowId(String parameterName) throws SQLException {
        return real.getRowId(parameterName);
    }

    @Override
    public SQLXML getSQLXML(String parameterName) throws SQLException {
        return real.getSQLXML(parameterName);
    }

    @Override
    public short getShort(String parameterName) throws SQLException {
        return real.getShort(parameterName);
    }

    @Override
    public String getString(String parameterName) throws SQLException {
        return real.getString(parameterName);
    }

    @Override
    public Time getTime(String parameterName) throws SQLException {
        return real.getTime(parameterName);
    }

    @Override
    public Time getTime(String parameterName, Calendar cal) throws SQLException {
        return real.getTime(parameterName, cal);
    }

    @Override
    public Timestamp getTimestamp(String parameterName) throws SQLException {
        return real.getTimestamp(parameterName);
    }

    @Override
    public Timestamp getTimestamp(String parameterName, Calendar cal) throws SQLException {
        return real.getTimestamp(parameterName, cal);
    }

    @Override
    public URL getURL(String parameterName) throws SQLException {
        return real.getURL(parameterName);
    }

    // Setters by parameter name (not recorded: capture binds by index only)

    @Override
    public void setAsciiStream(String parameterName, InputStream x) throws SQLException {
        real.setAsciiStream(parameterName, x);
    }

    @Override
    public void setAsciiStream(String parameterName, InputStream x, int length) throws SQLException {
        real.setAsciiStream(parameterName, x, length);
    }

    @Override
    public void setAsciiStream(String parameterName, InputStream x, long length) throws SQLException {
        real.setAsciiStream(parameterName, x, length);
    }

    @Override
    public void setBigDecimal(String parameterName, BigDecimal x) throws SQLException {
        real.setBigDecimal(parameterName, x);
    }

    @Override
    public void setBinaryStream(String parameterName, InputStream x) throws SQLException {
        real.setBinaryStream(parameterName, x);
    }

    @Override
    public void setBinaryStream(String parameterName, InputStream x, int length) throws SQLException {
        real.setBinaryStream(parameterName, x, length);
    }

    @Override
    public void setBinaryStream(String parameterName, InputStream x, long length) throws SQLException {
        real.setBinaryStream(parameterName, x, length);
    }

    @Override
    public void setBlob(String parameterName, InputStream x) throws SQLException {
        real.setBlob(parameterName, x);
    }

    @Override
    public void setBlob(String parameterName, Blob x) throws SQLException {
        real.setBlob(parameterName, x);
    }

    @Override
    public void setBlob(String parameterName, InputStream x, long length) throws SQLException {
        real.setBlob(parameterName, x, length);
    }

    @Override
    public void setBoolean(String parameterName, boolean x) throws SQLException {
        real.setBoolean(parameterName, x);
    }

    @Override
    public void setByte(String parameterName, byte x) throws SQLException {
        real.setByte(parameterName, x);
    }

    @Override
    public void setBytes(String parameterName, byte[] x) throws SQLException {
        real.setBytes(parameterName, x);
    }

    @Override
    public void setCharacterStream(String parameterName, Reader reader) throws SQLException {
        real.setCharacterStream(parameterName, reader);
    }

    @Override
    public void setCharacterStream(String parameterName, Reader reader, int length) throws SQLException {
        real.setCharacterStream(parameterName, reader, length);
    }

    @Override
    public void setCharacterStream(String parameterName, Reader reader, long length) throws SQLException {
        real.setCharacterStream(parameterName, reader, length);
    }

    @Override
    public void setClob(String parameterName, Reader reader) throws SQLException {
        real.setClob(parameterName, reader);
    }

    @Override
    public void setClob(String parameterName, Clob x) throws SQLException {
        real.setClob(parameterName, x);
    }

    @Override
    public void setClob(String parameterName, Reader reader, long length) throws SQLException {
        real.setClob(parameterName, reader, length);
    }

    @Override
    public void setDate(String parameterName, Date x) throws SQLException {
        real.setDate(parameterName, x);
    }

    @Override
    public void setDate(String parameterName, Date x, Calendar cal) throws SQLException {
        real.setDate(parameterName, x, cal);
    }

    @Override
    public void setDouble(String parameterName, double x) throws SQLException {
        real.setDouble(parameterName, x);
    }

    @Override
    public void setFloat(String parameterName, float x) throws SQLException {
        real.setFloat(parameterName, x);
    }

    @Override
    public void setInt(String parameterName, int x) throws SQLException {
        real.setInt(parameterName, x);
    }

    @Override
    public void setLong(String parameterName, long x) throws SQLException {
        real.setLong(parameterName, x);
    }

    @Override
    public void setNCharacterStream(String parameterName, Reader reader) throws SQLException {
        real.setNCharacterStream(parameterName, reader);
    }

    @Override
    public void setNCharacterStream(String parameterName, Reader reader, long length) throws SQLException {
        real.setNCharacterStream(parameterName, reader, length);
    }

    @Override
    public void setNClob(String parameterName, Reader reader) throws SQLException {
        real.setNClob(parameterName, reader);
    }

    @Override
    public void setNClob(String parameterName, NClob x) throws SQLException {
        real.setNClob(parameterName, x);
    }

    @Override
    public void setNClob(String parameterName, Reader reader, long length) throws SQLException {
        real.setNClob(parameterName, reader, length);
    }

    @Override
    public void setNString(String parameterName, String x) throws SQLException {
        real.setNString(parameterName, x);
    }

    @Override
    public void setNull(String parameterName, int sqlType) throws SQLException {
        real.setNull(parameterName, sqlType);
    }

    @Override
    public void setNull(String parameterName, int sqlType, String typeName) throws SQLException {
        real.setNull(parameterName, sqlType, typeName);
    }

    @Override
    public void setObject(String parameterName, Object x) throws SQLException {
        real.setObject(parameterName, x);
    }

    @Override
    public void setObject(String parameterName, Object x, int targetSqlType) throws SQLException {
        real.setObject(parameterName, x, targetSqlType);
    }

    @Override
    public void setObject(String parameterName, Object x, SQLType targetSqlType) throws SQLException {
        real.setObject(parameterName, x, targetSqlType);
    }

    @Override
    public void setObject(String parameterName, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        real.setObject(parameterName, x, targetSqlType, scaleOrLength);
    }

    @Override
    public void setObject(String parameterName, Object x, SQLType targetSqlType, int scaleOrLength)
            throws SQLException {
        real.setObject(parameterName, x, targetSqlType, scaleOrLength);
    }

    @Override
    public void setRowId(String parameterName, RowId x) throws SQLException {
        real.setRowId(parameterName, x);
    }

    @Override
    public void setSQLXML(String parameterName, SQLXML x) throws SQLException {
        real.setSQLXML(parameterName, x);
    }

    @Override
    public void setShort(String parameterName, short x) throws SQLException {
        real.setShort(parameterName, x);
    }

    @Override
    public void setString(String parameterName, String x) throws SQLException {
        real.setString(parameterName, x);
    }

    @Override
    public void setTime(String parameterName, Time x) throws SQLException {
        real.setTime(parameterName, x);
    }

    @Override
    public void setTime(String parameterName, Time x, Calendar cal) throws SQLException {
        real.setTime(parameterName, x, cal);
    }

    @Override
    public void setTimestamp(String parameterName, Timestamp x) throws SQLException {
        real.setTimestamp(parameterName, x);
    }

    @Override
    public void setTimestamp(String parameterName, Timestamp x, Calendar cal) throws SQLException {
        real.setTimestamp(parameterName, x, cal);
    }

    @Override
    public void setURL(String parameterName, URL x) throws SQLException {
        real.setURL(parameterName, x);
    }
}
