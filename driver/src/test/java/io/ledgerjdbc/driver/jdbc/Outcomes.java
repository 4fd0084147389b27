package io.ledgerjdbc.driver.jdbc;

import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Renders what a JDBC call returned or threw, so that the raw driver's and the wrapper's can be compared. */
final class Outcomes {

    @FunctionalInterface
    interface Action {
        Object run() throws Exception;
    }

    @FunctionalInterface
    interface VoidAction {
        void run() throws Exception;
    }

    /** An action for a void call: its outcome is "done" or the exception. */
    static Action done(VoidAction action) {
        return () -> {
            action.run();
            return "done";
        };
    }

    private Outcomes() {
    }

    /** "= result" or "! exception", with everything of the exception an application can observe. */
    static String of(Action action) {
        try {
            return "= " + render(action.run());
        } catch (Exception e) {
            return "! " + describe(e);
        }
    }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getName());
        if (t instanceof SQLException e) {
            sb.append(" state=").append(e.getSQLState()).append(" code=").append(e.getErrorCode());
        }
        if (t instanceof BatchUpdateException b) {
            sb.append(" counts=").append(Arrays.toString(b.getUpdateCounts()))
                    .append(" large=").append(Arrays.toString(b.getLargeUpdateCounts()));
        }
        sb.append(" message=").append(t.getMessage());
        if (t instanceof SQLException e && e.getNextException() != null) {
            sb.append(" next=").append(describe(e.getNextException()));
        }
        return sb.toString();
    }

    static String render(Object o) throws SQLException {
        if (o instanceof ResultSet rs) {
            return rows(rs).toString();
        }
        if (o instanceof int[] a) {
            return Arrays.toString(a);
        }
        if (o instanceof long[] a) {
            return Arrays.toString(a);
        }
        if (o instanceof byte[] b) {
            return "0x" + HexFormat.of().formatHex(b);
        }
        if (o instanceof Object[] a) {
            List<String> out = new ArrayList<>();
            for (Object e : a) {
                out.add(render(e));
            }
            return out.toString();
        }
        if (o instanceof Blob b) {
            return "blob " + render(b.getBytes(1, (int) b.length()));
        }
        if (o instanceof Clob c) {
            return "clob " + c.getSubString(1, (int) c.length());
        }
        if (o instanceof Array a) {
            return "array " + render(a.getArray());
        }
        if (o instanceof SQLWarning w) {
            List<String> out = new ArrayList<>();
            for (SQLWarning x = w; x != null; x = x.getNextWarning()) {
                out.add(describe(x));
            }
            return "warnings " + out;
        }
        return o == null ? "null" : o.getClass().getSimpleName() + " " + o;
    }

    /** The column labels, then every row (consumes the result set). */
    static List<String> rows(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        ResultSetMetaData md = rs.getMetaData();
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            labels.add(md.getColumnLabel(i));
        }
        out.add(labels.toString());
        while (rs.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                row.add(render(rs.getObject(i)));
            }
            out.add(row.toString());
        }
        return out;
    }
}
