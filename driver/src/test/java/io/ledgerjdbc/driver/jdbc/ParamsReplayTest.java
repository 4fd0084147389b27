package io.ledgerjdbc.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code setXxx(int, …)} of PreparedStatement, driven from the interface itself: the real statement receives
 * exactly the application's call, and the recorded binder repeats it on another statement at another index, as
 * often as asked. The statements here are recording fakes (so that setters no database supports, like setRef or
 * setRowId, are covered too); {@link ParamsRebindTest} does the same on real databases.
 */
class ParamsReplayTest {

    private static final String STREAM = "stream-content";
    private static final String READER = "reader-content";
    private static final Calendar CAL = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

    static Stream<Method> setters() {
        return Arrays.stream(PreparedStatement.class.getDeclaredMethods())
                .filter(m -> m.getName().startsWith("set") && m.getParameterTypes()[0] == int.class)
                .sorted((a, b) -> a.toString().compareTo(b.toString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setters")
    void realStatementGetsTheCallAndTheBinderReplaysItAtAnotherIndex(Method setter) throws Exception {
        Fake real = new Fake();
        RecordingSession session = new RecordingSession(fakeConnection());
        LedgerPreparedStatement ps = new LedgerPreparedStatement(new LedgerConnection(fakeConnection(), session),
                real.statement(), "INSERT INTO t VALUES (?, ?)", KeyRequest.NONE);

        Object[] args = sampleArguments(setter, 2);
        invoke(setter, ps, args);
        List<Object> expected = expectedCall(setter, args, 2);
        assertThat(real.calls).containsExactly(expected);

        ps.setInt(1, 42);
        ps.executeUpdate();
        Params params = session.last("execute").params();
        assertThat(params.size()).isEqualTo(2);

        for (int replay = 0; replay < 3; replay++) {
            Fake target = new Fake();
            params.bindRange(target.statement(), 2, 1, 7);
            assertThat(target.calls).as("replay %s", replay).containsExactly(expectedCall(setter, args, 7));
        }
        Fake both = new Fake();
        params.bindRange(both.statement(), 1, 2, 1);
        assertThat(both.calls).hasSize(2);
    }

    @Test
    void streamsGivenToSetObjectAreCopiedToo() throws Exception {
        Fake real = new Fake();
        RecordingSession session = new RecordingSession(fakeConnection());
        LedgerPreparedStatement ps = new LedgerPreparedStatement(new LedgerConnection(fakeConnection(), session),
                real.statement(), "INSERT INTO t VALUES (?, ?)", KeyRequest.NONE);
        ps.setObject(1, new ByteArrayInputStream(bytes(STREAM)));
        ps.setObject(2, new StringReader(READER), Types.CLOB);
        ps.execute();
        Params params = session.last("execute").params();
        for (int replay = 0; replay < 2; replay++) {
            Fake target = new Fake();
            params.bindRange(target.statement(), 1, 2, 3);
            assertThat(target.calls).containsExactly(
                    List.of("setObject", 3, "bytes:" + STREAM),
                    List.of("setObject", 4, "chars:" + READER, Types.CLOB));
        }
    }

    @Test
    void aValueTheRealStatementRejectsIsNotRecorded() throws Exception {
        Fake real = new Fake();
        real.reject = new SQLException("no such parameter", "07009");
        RecordingSession session = new RecordingSession(fakeConnection());
        LedgerPreparedStatement ps = new LedgerPreparedStatement(new LedgerConnection(fakeConnection(), session),
                real.statement(), "SELECT ?", KeyRequest.NONE);
        assertThatThrownBy(() -> ps.setString(1, "x")).isSameAs(real.reject);
        real.reject = null;
        ps.executeQuery();
        assertThat(session.last("execute").params()).isSameAs(Params.NONE);
    }

    @Test
    void clearParametersForgetsTheRecordedOnes() throws Exception {
        Fake real = new Fake();
        RecordingSession session = new RecordingSession(fakeConnection());
        LedgerPreparedStatement ps = new LedgerPreparedStatement(new LedgerConnection(fakeConnection(), session),
                real.statement(), "SELECT ?", KeyRequest.NONE);
        ps.setString(1, "x");
        ps.clearParameters();
        ps.executeQuery();
        assertThat(session.last("execute").params()).isSameAs(Params.NONE);
        assertThat(real.calls).containsExactly(List.of("setString", 1, "x"), List.of("clearParameters"));
    }

    /** The call as a fake statement records it: stream and reader arguments by their content. */
    private static List<Object> expectedCall(Method setter, Object[] args, int index) {
        List<Object> call = new ArrayList<>();
        call.add(setter.getName());
        call.add(index);
        Class<?>[] types = setter.getParameterTypes();
        for (int i = 1; i < args.length; i++) {
            if (types[i] == InputStream.class || types[i] == Reader.class) {
                String content = types[i] == InputStream.class ? STREAM : READER;
                if (args.length > i + 1) {
                    content = content.substring(0, ((Number) args[i + 1]).intValue());
                }
                call.add((types[i] == InputStream.class ? "bytes:" : "chars:") + content);
            } else {
                call.add(args[i] instanceof byte[] b ? Arrays.toString(b) : args[i]);
            }
        }
        return call;
    }

    /** Sample arguments for a setter; lengths are shorter than the streams, to show they are respected. */
    private static Object[] sampleArguments(Method setter, int index) throws MalformedURLException {
        Class<?>[] types = setter.getParameterTypes();
        Object[] args = new Object[types.length];
        args[0] = index;
        for (int i = 1; i < types.length; i++) {
            Class<?> t = types[i];
            boolean length = i == 2 && (types[1] == InputStream.class || types[1] == Reader.class);
            args[i] = length && t == int.class ? 6
                    : length && t == long.class ? 6L
                    : t == int.class ? Types.VARCHAR
                    : t == long.class ? 7L
                    : t == boolean.class ? true
                    : t == byte.class ? (byte) 8
                    : t == short.class ? (short) 9
                    : t == float.class ? 1.5f
                    : t == double.class ? 2.25
                    : t == BigDecimal.class ? new BigDecimal("12.345")
                    : t == String.class ? "text"
                    : t == byte[].class ? new byte[] {1, 2, 3}
                    : t == Date.class ? Date.valueOf("2024-02-29")
                    : t == Time.class ? Time.valueOf("12:34:56")
                    : t == Timestamp.class ? Timestamp.valueOf("2024-02-29 12:34:56.789")
                    : t == Calendar.class ? CAL
                    : t == SQLType.class ? JDBCType.VARCHAR
                    : t == Object.class ? "object"
                    : t == URL.class ? new URL("http://example.com/x")
                    : t == InputStream.class ? new ByteArrayInputStream(bytes(STREAM))
                    : t == Reader.class ? new StringReader(READER)
                    : t.isInterface() ? dummy(t)
                    : fail(setter);
        }
        return args;
    }

    private static Object fail(Method setter) {
        throw new AssertionError("no sample argument for " + setter);
    }

    private static Object dummy(Class<?> iface) {
        return Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface},
                (proxy, method, args) -> method.getName().equals("toString") ? "dummy " + iface.getSimpleName()
                        : method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                        : method.getName().equals("equals") ? proxy == args[0] : null);
    }

    private static void invoke(Method setter, Object target, Object[] args) throws Exception {
        try {
            setter.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Connection fakeConnection() {
        return (Connection) dummy(Connection.class);
    }

    /** A PreparedStatement that records the calls it receives, reading stream arguments as the real one would. */
    private static final class Fake {
        final List<List<Object>> calls = new ArrayList<>();
        SQLException reject;

        PreparedStatement statement() {
            return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                        if (reject != null) {
                            throw reject;
                        }
                        if (method.getName().startsWith("set") || method.getName().equals("clearParameters")) {
                            List<Object> call = new ArrayList<>();
                            call.add(method.getName());
                            for (Object a : args == null ? new Object[0] : args) {
                                call.add(content(a));
                            }
                            calls.add(call);
                        }
                        Class<?> r = method.getReturnType();
                        return r == int.class ? 0 : r == long.class ? 0L : r == boolean.class ? false : null;
                    });
        }

        private static Object content(Object a) {
            try {
                if (a instanceof InputStream in) {
                    return "bytes:" + new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                if (a instanceof Reader r) {
                    StringBuilder sb = new StringBuilder();
                    char[] buf = new char[64];
                    for (int n; (n = r.read(buf)) > 0; ) {
                        sb.append(buf, 0, n);
                    }
                    return "chars:" + sb;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return a instanceof byte[] b ? Arrays.toString(b) : a;
        }
    }
}
