package io.ledgerjdbc.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;

/**
 * Creates the TPC-C schema and loads the initial population (clause 4.3.3) at a given {@link Scale}, through the
 * connection it is given — the raw or the ledger driver — the way a loader application does: the DDL in
 * autocommit, then prepared INSERTs in JDBC batches of {@link #BATCH} rows, one transaction per batch. The data
 * come from one fixed seed, so raw and ledger rounds load the same rows.
 */
final class TpccLoader {

    /** Rows per JDBC batch and per transaction. */
    static final int BATCH = 500;
    static final int DISTRICTS = 10;
    static final Timestamp LOADED_AT = Timestamp.valueOf("2026-11-25 12:00:00");

    /**
     * The database's size. The specification's scale 1 is 1 warehouse, 100,000 items and 3,000 customers (and
     * orders) per district; {@code customers} is also the number of orders per district, of which the last 30 %
     * are undelivered (in new_order).
     */
    record Scale(int warehouses, int items, int customers) {
        Scale {
            if (warehouses < 1 || items < 100 || customers < 10) {
                throw new IllegalArgumentException("scale: at least 1 warehouse, 100 items and 10 customers per district");
            }
        }

        /** Orders with o_id at or above this one are undelivered: the last 30 %, as 2,101..3,000 of 3,000. */
        int firstUndelivered() {
            return customers - customers * 3 / 10 + 1;
        }

        long rows() {
            long perDistrict = customers * 2L /* customer, history */ + customers /* orders */ + customers * 10L /* order lines, avg */
                    + (customers - firstUndelivered() + 1);
            return items + warehouses * (1L + items + DISTRICTS * (1 + perDistrict));
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%d warehouse(s), %,d items, %,d customers and orders per district (~%,d rows)",
                    warehouses, items, customers, rows());
        }
    }

    private final Connection c;
    private final TpccSchema schema;
    private final Scale scale;
    private final TpccRandom rnd = new TpccRandom(20261125L);

    TpccLoader(Connection c, TpccSchema schema, Scale scale) {
        this.c = c;
        this.schema = schema;
        this.scale = scale;
    }

    /** Creates the tables and loads them; returns the number of rows loaded. */
    long load() throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            for (String ddl : schema.ddl()) {
                s.execute(ddl);
            }
        }
        c.setAutoCommit(false);
        long rows = items();
        for (int w = 1; w <= scale.warehouses(); w++) {
            rows += warehouse(w) + stock(w);
            for (int d = 1; d <= DISTRICTS; d++) {
                rows += district(w, d) + customers(w, d) + orders(w, d);
            }
        }
        c.setAutoCommit(true);
        return rows;
    }

    /**
     * A prepared INSERT that runs and commits every {@link #BATCH} rows, or, when {@code commitEvery} is false, only
     * when {@link #flush} is called (several tables' rows in one transaction, parents' batches run first).
     */
    private final class Batch implements AutoCloseable {
        final PreparedStatement ps;
        final boolean commitEvery;
        int pending;
        long rows;

        Batch(String sql) throws SQLException {
            this(sql, true);
        }

        Batch(String sql, boolean commitEvery) throws SQLException {
            this.ps = c.prepareStatement(sql);
            this.commitEvery = commitEvery;
        }

        void add() throws SQLException {
            ps.addBatch();
            rows++;
            if (++pending == BATCH && commitEvery) flush();
        }

        /** Runs the pending rows; commits if this batch commits by itself. */
        void flush() throws SQLException {
            if (pending == 0) return;
            ps.executeBatch();
            pending = 0;
            if (commitEvery) c.commit();
        }

        @Override
        public void close() throws SQLException {
            try {
                flush();
            } finally {
                ps.close();
            }
        }
    }

    private long items() throws SQLException {
        try (Batch b = new Batch("INSERT INTO item (i_id, i_name, i_price, i_data, i_im_id) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 1; i <= scale.items(); i++) {
                b.ps.setInt(1, i);
                b.ps.setString(2, rnd.aString(14, 24));
                b.ps.setBigDecimal(3, rnd.cents(100, 10_000));
                b.ps.setString(4, rnd.dataWithOriginal());
                b.ps.setInt(5, rnd.between(1, 10_000));
                b.add();
            }
            return b.rows;
        }
    }

    private long warehouse(int w) throws SQLException {
        try (Batch b = new Batch("INSERT INTO warehouse (w_id, w_ytd, w_tax, w_name, w_street_1, w_street_2, w_city, w_state, w_zip) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            b.ps.setInt(1, w);
            b.ps.setBigDecimal(2, new BigDecimal("300000.00"));
            b.ps.setBigDecimal(3, rnd.fraction(0, 2000));
            b.ps.setString(4, rnd.aString(6, 10));
            address(b.ps, 5);
            b.add();
            return b.rows;
        }
    }

    private long stock(int w) throws SQLException {
        try (Batch b = new Batch("INSERT INTO stock (s_w_id, s_i_id, s_quantity, s_ytd, s_order_cnt, s_remote_cnt, s_data, "
                + "s_dist_01, s_dist_02, s_dist_03, s_dist_04, s_dist_05, s_dist_06, s_dist_07, s_dist_08, s_dist_09, s_dist_10) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 1; i <= scale.items(); i++) {
                b.ps.setInt(1, w);
                b.ps.setInt(2, i);
                b.ps.setInt(3, rnd.between(10, 100));
                b.ps.setBigDecimal(4, BigDecimal.ZERO.setScale(2));
                b.ps.setInt(5, 0);
                b.ps.setInt(6, 0);
                b.ps.setString(7, rnd.dataWithOriginal());
                for (int d = 0; d < DISTRICTS; d++) {
                    b.ps.setString(8 + d, rnd.aString(24, 24));
                }
                b.add();
            }
            return b.rows;
        }
    }

    private long district(int w, int d) throws SQLException {
        try (Batch b = new Batch("INSERT INTO district (d_w_id, d_id, d_ytd, d_tax, d_next_o_id, d_name, d_street_1, d_street_2, "
                + "d_city, d_state, d_zip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            b.ps.setInt(1, w);
            b.ps.setInt(2, d);
            b.ps.setBigDecimal(3, new BigDecimal("30000.00"));
            b.ps.setBigDecimal(4, rnd.fraction(0, 2000));
            b.ps.setInt(5, scale.customers() + 1);
            b.ps.setString(6, rnd.aString(6, 10));
            address(b.ps, 7);
            b.add();
            return b.rows;
        }
    }

    private long customers(int w, int d) throws SQLException {
        long rows;
        try (Batch b = new Batch("INSERT INTO customer (c_w_id, c_d_id, c_id, c_discount, c_credit, c_last, c_first, c_credit_lim, "
                + "c_balance, c_ytd_payment, c_payment_cnt, c_delivery_cnt, c_street_1, c_street_2, c_city, c_state, c_zip, "
                + "c_phone, c_since, c_middle, c_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int id = 1; id <= scale.customers(); id++) {
                PreparedStatement ps = b.ps;
                ps.setInt(1, w);
                ps.setInt(2, d);
                ps.setInt(3, id);
                ps.setBigDecimal(4, rnd.fraction(0, 5000));
                ps.setString(5, rnd.between(1, 10) == 1 ? "BC" : "GC");
                ps.setString(6, TpccRandom.lastName(id <= 1000 ? id - 1 : rnd.nuRand(255, TpccRandom.C_LAST_LOAD, 0, 999)));
                ps.setString(7, rnd.aString(8, 16));
                ps.setBigDecimal(8, new BigDecimal("50000.00"));
                ps.setBigDecimal(9, new BigDecimal("-10.00"));
                ps.setBigDecimal(10, new BigDecimal("10.00"));
                ps.setInt(11, 1);
                ps.setInt(12, 0);
                ps.setString(13, rnd.aString(10, 20));
                ps.setString(14, rnd.aString(10, 20));
                ps.setString(15, rnd.aString(10, 20));
                ps.setString(16, rnd.aString(2, 2));
                ps.setString(17, rnd.zip());
                ps.setString(18, rnd.nString(16));
                ps.setTimestamp(19, LOADED_AT);
                ps.setString(20, "OE");
                ps.setString(21, rnd.aString(300, 500));
                b.add();
            }
            rows = b.rows;
        }
        try (Batch b = new Batch("INSERT INTO history (h_c_id, h_c_d_id, h_c_w_id, h_d_id, h_w_id, h_date, h_amount, h_data) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int id = 1; id <= scale.customers(); id++) {
                b.ps.setInt(1, id);
                b.ps.setInt(2, d);
                b.ps.setInt(3, w);
                b.ps.setInt(4, d);
                b.ps.setInt(5, w);
                b.ps.setTimestamp(6, LOADED_AT);
                b.ps.setBigDecimal(7, new BigDecimal("10.00"));
                b.ps.setString(8, rnd.aString(12, 24));
                b.add();
            }
            rows += b.rows;
        }
        return rows;
    }

    /** Orders with a random permutation of the customers, their lines, and the undelivered ones in new_order. */
    private long orders(int w, int d) throws SQLException {
        int n = scale.customers();
        int[] customerOf = new int[n + 1];
        for (int i = 1; i <= n; i++) customerOf[i] = i;
        for (int i = n; i > 1; i--) {
            int j = rnd.between(1, i);
            int t = customerOf[i];
            customerOf[i] = customerOf[j];
            customerOf[j] = t;
        }
        int undelivered = scale.firstUndelivered();
        long rows = 0;
        // One transaction per ~BATCH order lines, holding their orders and new orders; parents' batches run first.
        try (Batch orders = new Batch("INSERT INTO orders (o_w_id, o_d_id, o_id, o_c_id, o_carrier_id, o_ol_cnt, o_all_local, o_entry_d) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", false);
             Batch lines = new Batch("INSERT INTO order_line (ol_w_id, ol_d_id, ol_o_id, ol_number, ol_i_id, ol_delivery_d, ol_amount, "
                     + "ol_supply_w_id, ol_quantity, ol_dist_info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", false);
             Batch newOrders = new Batch("INSERT INTO new_order (no_w_id, no_d_id, no_o_id) VALUES (?, ?, ?)", false)) {
            for (int o = 1; o <= n; o++) {
                boolean delivered = o < undelivered;
                int lineCount = rnd.between(5, 15);
                orders.ps.setInt(1, w);
                orders.ps.setInt(2, d);
                orders.ps.setInt(3, o);
                orders.ps.setInt(4, customerOf[o]);
                if (delivered) orders.ps.setInt(5, rnd.between(1, 10));
                else orders.ps.setNull(5, Types.INTEGER);
                orders.ps.setInt(6, lineCount);
                orders.ps.setInt(7, 1);
                orders.ps.setTimestamp(8, LOADED_AT);
                orders.add();
                for (int l = 1; l <= lineCount; l++) {
                    lines.ps.setInt(1, w);
                    lines.ps.setInt(2, d);
                    lines.ps.setInt(3, o);
                    lines.ps.setInt(4, l);
                    lines.ps.setInt(5, rnd.between(1, scale.items()));
                    if (delivered) lines.ps.setTimestamp(6, LOADED_AT);
                    else lines.ps.setNull(6, Types.TIMESTAMP);
                    lines.ps.setBigDecimal(7, delivered ? BigDecimal.ZERO.setScale(2) : rnd.cents(1, 999_999));
                    lines.ps.setInt(8, w);
                    lines.ps.setInt(9, 5);
                    lines.ps.setString(10, rnd.aString(24, 24));
                    lines.add();
                }
                if (!delivered) {
                    newOrders.ps.setInt(1, w);
                    newOrders.ps.setInt(2, d);
                    newOrders.ps.setInt(3, o);
                    newOrders.add();
                }
                if (lines.pending >= BATCH || o == n) {
                    orders.flush();
                    lines.flush();
                    newOrders.flush();
                    c.commit();
                }
            }
            rows += orders.rows + lines.rows + newOrders.rows;
        }
        return rows;
    }

    /** Street 1, street 2, city, state, zip from parameter {@code i} on. */
    private void address(PreparedStatement ps, int i) throws SQLException {
        ps.setString(i, rnd.aString(10, 20));
        ps.setString(i + 1, rnd.aString(10, 20));
        ps.setString(i + 2, rnd.aString(10, 20));
        ps.setString(i + 3, rnd.aString(2, 2));
        ps.setString(i + 4, rnd.zip());
    }
}

