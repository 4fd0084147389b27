package io.ledgerjdbc.driver.session;

import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.SQLException;
import java.util.Locale;

/**
 * In a cluster, a database draws generated keys from its own database, which may not yet have moved its identity
 * past a key another database used: the local INSERT then fails on the primary key although the application gave
 * no key. That is a replication conflict, not the application's constraint error, so it is reported as 40001
 * (retry: the next draw is fresh), keeping the database's error as the cause.
 */
final class GeneratedKeyClash {

    private GeneratedKeyClash() {
    }

    static boolean is(SQLException e, Analysis.Insert ins, TableInfo t) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        boolean unique = state.startsWith("23") || m.contains("sqlite_constraint");
        if (!unique || !t.hasPrimaryKey() || t.primaryKey().size() != 1) {
            return false;
        }
        String key = t.primaryKey().get(0).name();
        boolean keyLeftToDatabase = ins.columns().stream().noneMatch(c -> c.equalsIgnoreCase(key));
        boolean onPrimaryKey = m.contains("primary key") || m.contains("_pkey") || m.contains("'primary'")
                || m.contains("." + key.toLowerCase(Locale.ROOT));
        return keyLeftToDatabase && onPrimaryKey;
    }

    static SQLException asConflict(SQLException e) {
        return new SQLException("the generated key clashed with a row another database inserted first; retry the "
                + "transaction (" + e.getMessage() + ")", SqlStates.SERIALIZATION_FAILURE, e.getErrorCode(), e);
    }
}
