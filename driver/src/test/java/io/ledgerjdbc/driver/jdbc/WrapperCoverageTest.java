package io.ledgerjdbc.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method of the wrapped JDBC interfaces must be implemented by the wrapper itself: a method left to the
 * interface's default (executeLargeUpdate, enquoteIdentifier, setObject with SQLType, …) would silently not reach
 * the real driver, or bypass the session.
 */
class WrapperCoverageTest {

    static Stream<Arguments> wrappers() {
        return Stream.of(
                Arguments.of(Connection.class, LedgerConnection.class),
                Arguments.of(Statement.class, LedgerStatement.class),
                Arguments.of(PreparedStatement.class, LedgerPreparedStatement.class),
                Arguments.of(CallableStatement.class, LedgerCallableStatement.class),
                Arguments.of(ResultSet.class, LedgerResultSet.class),
                Arguments.of(DatabaseMetaData.class, LedgerDatabaseMetaData.class));
    }

    @ParameterizedTest(name = "{1} implements every method of {0}")
    @MethodSource("wrappers")
    void wrapperImplementsEveryInterfaceMethodItself(Class<?> iface, Class<?> wrapper) throws Exception {
        List<String> missing = new ArrayList<>();
        for (Method m : iface.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Method impl = wrapper.getMethod(m.getName(), m.getParameterTypes());
            Class<?> owner = impl.getDeclaringClass();
            // Declared by a Ledger wrapper class, and by one that itself implements the interface declaring the method
            // (so PreparedStatement methods cannot be satisfied by LedgerStatement, for instance).
            boolean ours = !owner.isInterface() && owner.getPackage() == LedgerConnection.class.getPackage()
                    && m.getDeclaringClass().isAssignableFrom(owner) && !impl.isBridge() && !impl.isSynthetic();
            if (!ours) {
                missing.add(m.getName() + Arrays.toString(m.getParameterTypes()) + " (found in " + owner.getName() + ")");
            }
        }
        assertThat(missing).as("methods of %s not implemented by %s", iface.getSimpleName(), wrapper.getSimpleName())
                .isEmpty();
    }

    @Test
    void preparedStatementDeclaresThePlainStatementExecutionsItself() {
        // On a PreparedStatement, execute(String) and friends must reach the real statement (which rejects them as
        // JDBC requires) rather than LedgerStatement's session path.
        List<String> inherited = new ArrayList<>();
        for (Method m : Statement.class.getMethods()) {
            boolean plainExecution = m.getName().startsWith("execute") && m.getParameterCount() > 0
                    || m.getName().equals("addBatch");
            if (plainExecution) {
                try {
                    LedgerPreparedStatement.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
                } catch (NoSuchMethodException e) {
                    inherited.add(m.getName() + Arrays.toString(m.getParameterTypes()));
                }
            }
        }
        assertThat(inherited).isEmpty();
    }
}
