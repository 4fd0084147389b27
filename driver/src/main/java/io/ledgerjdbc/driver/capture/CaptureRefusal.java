package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.SQLFeatureNotSupportedException;

/** The one way the driver says "this write cannot be captured faithfully": SQLState 0A000, before it runs. */
public final class CaptureRefusal {

    private CaptureRefusal() {
    }

    public static SQLFeatureNotSupportedException of(String construct, String reason) {
        io.ledgerjdbc.driver.observe.DriverMetrics.get().refused(); // made only to be thrown
        return new SQLFeatureNotSupportedException("LedgerJDBC refuses " + construct + ": " + reason
                + " (nothing was executed or recorded)", SqlStates.FEATURE_NOT_SUPPORTED);
    }
}
