package io.ledgerjdbc.driver.jdbc;

import java.sql.SQLException;
import java.sql.Wrapper;

/** {@link Wrapper#unwrap} and {@link Wrapper#isWrapperFor}, the same for every Ledger wrapper. */
final class Wrappers {

    private Wrappers() {
    }

    /** The wrapper if it is an {@code iface}, else the real object if it is one, else what the real one unwraps to. */
    static <T> T unwrap(Wrapper wrapper, Wrapper real, Class<T> iface) throws SQLException {
        if (iface.isInstance(wrapper)) {
            return iface.cast(wrapper);
        }
        if (iface.isInstance(real)) {
            return iface.cast(real);
        }
        return real.unwrap(iface);
    }

    static boolean isWrapperFor(Wrapper wrapper, Wrapper real, Class<?> iface) throws SQLException {
        return iface.isInstance(wrapper) || iface.isInstance(real) || real.isWrapperFor(iface);
    }
}
