package io.ledgerjdbc.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One TPC-C terminal: a thread with its own connection running the five transactions in the standard mix (45 %
 * new-order, 43 % payment, 4 % each order-status, delivery, stock-level; no keying or think time, as BenchBase
 * runs it), in plain JDBC with prepared statements prepared once, the SQL an application (BenchBase's TPC-C)
 * sends. Inputs come from a generator seeded per terminal, so raw and ledger rounds draw the same inputs.
 *
 * <p>A transaction that fails with a serialization failure (SQLState 40001), a deadlock (40P01, MariaDB 1213),
 * a lock or busy timeout (SQLite BUSY, MariaDB 1205, H2 HYT00, PostgreSQL 55P03), or a delivery that finds its
 * new order taken by another delivery, is rolled back and retried with the same inputs, as a TPC-C driver does
 * (after a busy timeout with a short back-off); each retry is counted by cause. 1 % of new-orders name an unused item and are rolled back by the application
 * (clause 2.4.1.4). Any other exception rolls the transaction back, is counted as an error with its first
 * message, and the terminal goes on.
 *
 * <p>Threading: counters are written by this thread only; read them after {@link #join()}.
 */
final class TpccTerminal extends Thread {

    enum Kind {
        NEW_ORDER("new-order"), PAYMENT("payment"), ORDER_STATUS("order-status"), DELIVERY("delivery"), STOCK_LEVEL("stock-level");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** What happened, counted per transaction kind. */
    static final class Counts {
        final long[] commits = new long[Kind.values().length];
        final long[] errors = new long[Kind.values().length];
        long userAborts;
        /** Serialization failures (40001 other than a deadlock). */
        long serialization;
        /** Deadlock victims (40P01, MariaDB 1213, H2 40001 "Deadlock"). */
        long deadlocks;
        /** Lock-wait or busy timeouts (SQLite BUSY, MariaDB 1205, H2 HYT00, PostgreSQL 55P03). */
        long busy;
        /** Deliveries whose DELETE found the new order gone (another delivery took it first). */
        long races;
        /** New orders delivered (committed deliveries, summed over districts). */
        long delivered;
        /** Committed transactions that changed rows (what becomes a ledger entry). */
        long writingCommits;
        /** Serialization failures and deadlocks by message (numbers and identifiers masked): where the conflicts arise. */
        final Map<String, Long> conflictReasons = new HashMap<>();

        long commits() {
            return Arrays.stream(commits).sum();
        }

        long errors() {
            return Arrays.stream(errors).sum();
        }

        void add(Counts o) {
            for (int i = 0; i < commits.length; i++) {
                commits[i] += o.commits[i];
                errors[i] += o.errors[i];
            }
            userAborts += o.userAborts;
            serialization += o.serialization;
            deadlocks += o.deadlocks;
            busy += o.busy;
            races += o.races;
            delivered += o.delivered;
            writingCommits += o.writingCommits;
            o.conflictReasons.forEach((k, v) -> conflictReasons.merge(k, v, Long::sum));
        }
    }

    private static final int MAX_ATTEMPTS = 1_000;

    private final Connection c;
    private final TpccSchema schema;
    private final TpccLoader.Scale scale;
    private final TpccRandom rnd;
    private final int homeDistrict;

    /** Everything since the start (for the consistency checks). */
    final Counts total = new Counts();
    /** Only what completed while {@link #measuring} was set. */
    final Counts measured = new Counts();
    /** New-order response times (first attempt to commit, retries included) completed while measuring, in ns. */
    long[] newOrderNanos = new long[1024];
    int newOrderCount;
    /** The first unexpected exception per kind, with its SQLState. */
    final String[] firstError = new String[Kind.values().length];

    volatile boolean running = true;
    volatile boolean measuring;
    /** Transactions committed so far, readable while the terminal runs (the counters are not). */
    volatile long committed;

    TpccTerminal(Connection c, TpccSchema schema, TpccLoader.Scale scale, int index, long seed) {
        super("tpcc-terminal-" + index);
        this.c = c;
        this.schema = schema;
        this.scale = scale;
        this.rnd = new TpccRandom(seed);
        this.homeDistrict = index % TpccLoader.DISTRICTS + 1;
        setDaemon(true);
    }

    // ---- the SQL (BenchBase's TPC-C statements, lower-case names, `orders` for its `oorder`) ------------------

    private PreparedStatement noCustomer, noWarehouse, noDistrict, noDistrictUpdate, noOrder, noNewOrder, noItem, noStock,
            noStockUpdate, noLine;
    private PreparedStatement payWarehouseUpdate, payWarehouse, payDistrictUpdate, payDistrict, customerById, customerByName,
            payCustomerData, payCustomerUpdateBc, payCustomerUpdate, payHistory;
    private PreparedStatement osLastOrder, osLines;
    private PreparedStatement dlOldest, dlDelete, dlOrderCustomer, dlOrderUpdate, dlLinesUpdate, dlLinesSum, dlCustomerUpdate;
    private PreparedStatement slNextOrder, slLowStock;

    private void prepare() throws SQLException {
        String forUpdate = schema.forUpdate();
        noCustomer = c.prepareStatement("SELECT c_discount, c_last, c_credit FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?");
        noWarehouse = c.prepareStatement("SELECT w_tax FROM warehouse WHERE w_id = ?");
        noDistrict = c.prepareStatement("SELECT d_next_o_id, d_tax FROM district WHERE d_w_id = ? AND d_id = ?" + forUpdate);
        noDistrictUpdate = c.prepareStatement("UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = ? AND d_id = ?");
        noOrder = c.prepareStatement("INSERT INTO orders (o_id, o_d_id, o_w_id, o_c_id, o_entry_d, o_ol_cnt, o_all_local) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)");
        noNewOrder = c.prepareStatement("INSERT INTO new_order (no_o_id, no_d_id, no_w_id) VALUES (?, ?, ?)");
        noItem = c.prepareStatement("SELECT i_price, i_name, i_data FROM item WHERE i_id = ?");
        noStock = c.prepareStatement("SELECT s_quantity, s_data, s_dist_01, s_dist_02, s_dist_03, s_dist_04, s_dist_05, s_dist_06, "
                + "s_dist_07, s_dist_08, s_dist_09, s_dist_10 FROM stock WHERE s_i_id = ? AND s_w_id = ?" + forUpdate);
        noStockUpdate = c.prepareStatement("UPDATE stock SET s_quantity = ?, s_ytd = s_ytd + ?, s_order_cnt = s_order_cnt + 1, "
                + "s_remote_cnt = s_remote_cnt + ? WHERE s_i_id = ? AND s_w_id = ?");
        noLine = c.prepareStatement("INSERT INTO order_line (ol_o_id, ol_d_id, ol_w_id, ol_number, ol_i_id, ol_supply_w_id, "
                + "ol_quantity, ol_amount, ol_dist_info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");

        payWarehouseUpdate = c.prepareStatement("UPDATE warehouse SET w_ytd = w_ytd + ? WHERE w_id = ?");
        payWarehouse = c.prepareStatement("SELECT w_street_1, w_street_2, w_city, w_state, w_zip, w_name FROM warehouse WHERE w_id = ?");
        payDistrictUpdate = c.prepareStatement("UPDATE district SET d_ytd = d_ytd + ? WHERE d_w_id = ? AND d_id = ?");
        payDistrict = c.prepareStatement("SELECT d_street_1, d_street_2, d_city, d_state, d_zip, d_name FROM district "
                + "WHERE d_w_id = ? AND d_id = ?");
        String customerColumns = "c_first, c_middle, c_last, c_street_1, c_street_2, c_city, c_state, c_zip, c_phone, c_credit, "
                + "c_credit_lim, c_discount, c_balance, c_ytd_payment, c_payment_cnt, c_since, c_id";
        customerById = c.prepareStatement("SELECT " + customerColumns + " FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?");
        customerByName = c.prepareStatement("SELECT " + customerColumns + " FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_last = ? "
                + "ORDER BY c_first");
        payCustomerData = c.prepareStatement("SELECT c_data FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?");
        payCustomerUpdateBc = c.prepareStatement("UPDATE customer SET c_balance = ?, c_ytd_payment = ?, c_payment_cnt = ?, c_data = ? "
                + "WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?");
        payCustomerUpdate = c.prepareStatement("UPDATE customer SET c_balance = ?, c_ytd_payment = ?, c_payment_cnt = ? "
                + "WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?");
        payHistory = c.prepareStatement("INSERT INTO history (h_c_d_id, h_c_w_id, h_c_id, h_d_id, h_w_id, h_date, h_amount, h_data) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");

        osLastOrder = c.prepareStatement("SELECT o_id, o_carrier_id, o_entry_d FROM orders WHERE o_w_id = ? AND o_d_id = ? AND o_c_id = ? "
                + "ORDER BY o_id DESC LIMIT 1");
        osLines = c.prepareStatement("SELECT ol_i_id, ol_supply_w_id, ol_quantity, ol_amount, ol_delivery_d FROM order_line "
                + "WHERE ol_o_id = ? AND ol_d_id = ? AND ol_w_id = ?");

        dlOldest = c.prepareStatement("SELECT no_o_id FROM new_order WHERE no_d_id = ? AND no_w_id = ? ORDER BY no_o_id ASC LIMIT 1");
        dlDelete = c.prepareStatement("DELETE FROM new_order WHERE no_o_id = ? AND no_d_id = ? AND no_w_id = ?");
        dlOrderCustomer = c.prepareStatement("SELECT o_c_id FROM orders WHERE o_id = ? AND o_d_id = ? AND o_w_id = ?");
        dlOrderUpdate = c.prepareStatement("UPDATE orders SET o_carrier_id = ? WHERE o_id = ? AND o_d_id = ? AND o_w_id = ?");
        dlLinesUpdate = c.prepareStatement("UPDATE order_line SET ol_delivery_d = ? WHERE ol_o_id = ? AND ol_d_id = ? AND ol_w_id = ?");
        dlLinesSum = c.prepareStatement("SELECT SUM(ol_amount) AS ol_total FROM order_line WHERE ol_o_id = ? AND ol_d_id = ? AND ol_w_id = ?");
        dlCustomerUpdate = c.prepareStatement("UPDATE customer SET c_balance = c_balance + ?, c_delivery_cnt = c_delivery_cnt + 1 "
                + "WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?");

        slNextOrder = c.prepareStatement("SELECT d_next_o_id FROM district WHERE d_w_id = ? AND d_id = ?");
        slLowStock = c.prepareStatement("SELECT COUNT(DISTINCT (s_i_id)) AS stock_count FROM order_line, stock WHERE ol_w_id = ? "
                + "AND ol_d_id = ? AND ol_o_id < ? AND ol_o_id >= ? AND s_w_id = ? AND s_i_id = ol_i_id AND s_quantity < ?");
    }

    // ---- the loop ----------------------------------------------------------------------------------------------

    @Override
    public void run() {
        try {
            prepare();
            while (running) {
                int pick = rnd.between(1, 100);
                Kind kind = pick <= 45 ? Kind.NEW_ORDER : pick <= 88 ? Kind.PAYMENT : pick <= 92 ? Kind.ORDER_STATUS
                        : pick <= 96 ? Kind.DELIVERY : Kind.STOCK_LEVEL;
                Transaction tx = switch (kind) {
                    case NEW_ORDER -> newOrder();
                    case PAYMENT -> payment();
                    case ORDER_STATUS -> orderStatus();
                    case DELIVERY -> delivery();
                    case STOCK_LEVEL -> stockLevel();
                };
                execute(kind, tx);
            }
        } catch (SQLException | RuntimeException e) {
            total.errors[0]++;
            if (firstError[0] == null) firstError[0] = "terminal stopped: " + e;
        }
    }

    /** The body of one transaction with its inputs fixed; returns whether it changed rows. */
    private interface Transaction {
        boolean run() throws SQLException;
    }

    /** Thrown by new-order for its 1 % unused item: the application rolls back (not an error, not retried). */
    private static final class UserAbort extends RuntimeException {
        UserAbort() {
            super("item not found (the 1 % rollback)", null, false, false);
        }
    }

    /** Thrown by delivery when its DELETE finds the new order gone: another delivery took it; retried. */
    private static final class Race extends SQLException {
        Race() {
            super("new order already delivered by another terminal");
        }
    }

    private void execute(Kind kind, Transaction tx) {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            boolean atCommit = false;
            try {
                boolean wrote = tx.run();
                atCommit = true;
                c.commit();
                boolean counted = measuring;
                int delivered = kind == Kind.DELIVERY ? deliveredNow : 0;
                record(total, kind, wrote, delivered);
                committed++; // single writer
                if (counted) {
                    record(measured, kind, wrote, delivered);
                    if (kind == Kind.NEW_ORDER) newOrderLatency(System.nanoTime() - start);
                }
                return;
            } catch (UserAbort e) {
                rollback();
                total.userAborts++;
                if (measuring) measured.userAborts++;
                return;
            } catch (SQLException | RuntimeException e) {
                rollback();
                Retry cause = e instanceof SQLException q ? Retry.of(q) : null;
                if (cause != null && attempt < MAX_ATTEMPTS && running) {
                    cause.count(total, e, atCommit);
                    if (measuring) cause.count(measured, e, atCommit);
                    if (cause == Retry.BUSY) backOff(attempt);
                    continue;
                }
                if (cause != null && !running) return; // stopping: an unfinished retry is neither commit nor error
                total.errors[kind.ordinal()]++;
                if (measuring) measured.errors[kind.ordinal()]++;
                if (firstError[kind.ordinal()] == null) {
                    firstError[kind.ordinal()] = e + (e instanceof SQLException q ? " [SQLState " + q.getSQLState() + ", code "
                            + q.getErrorCode() + "]" : "")
                            + (attempt >= MAX_ATTEMPTS ? " after " + attempt + " attempts" : "");
                }
                return;
            }
        }
    }

    /**
     * After a busy or lock timeout: SQLite refuses a read transaction's upgrade to a write at once (no busy wait)
     * while another connection writes, so retrying at once would spin; wait 1, 2, … up to 10 ms.
     */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(Math.min(attempt, 10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void record(Counts counts, Kind kind, boolean wrote, int delivered) {
        counts.commits[kind.ordinal()]++;
        if (wrote) counts.writingCommits++;
        counts.delivered += delivered;
    }

    private void newOrderLatency(long nanos) {
        if (newOrderCount == newOrderNanos.length) newOrderNanos = Arrays.copyOf(newOrderNanos, newOrderCount * 2);
        newOrderNanos[newOrderCount++] = nanos;
    }

    private void rollback() {
        try {
            c.rollback();
        } catch (SQLException e) {
            if (firstError[0] == null) firstError[0] = "rollback failed: " + e;
        }
    }

    /** Why a failed transaction is retried; null: it is not. */
    private enum Retry {
        SERIALIZATION, DEADLOCK, BUSY, RACE;

        static Retry of(SQLException e) {
            if (e instanceof Race) return RACE;
            String state = String.valueOf(e.getSQLState());
            String msg = String.valueOf(e.getMessage());
            if (state.equals("40P01") || e.getErrorCode() == 1213 || (state.equals("40001") && msg.contains("Deadlock"))) {
                return DEADLOCK;
            }
            if (state.equals("40001")) return SERIALIZATION;
            if (msg.contains("SQLITE_BUSY") || msg.contains("database is locked") || e.getErrorCode() == 1205
                    || state.equals("HYT00") || state.equals("55P03")) {
                return BUSY;
            }
            return null;
        }

        void count(Counts c, Exception e, boolean atCommit) {
            switch (this) {
                case SERIALIZATION -> c.serialization++;
                case DEADLOCK -> c.deadlocks++;
                case BUSY -> c.busy++;
                case RACE -> c.races++;
            }
            if (this == SERIALIZATION || this == DEADLOCK) c.conflictReasons.merge(reason(e, atCommit), 1L, Long::sum);
        }

        /**
         * The conflict as a category: where it surfaced (a statement or {@code commit()}), whether the ledger's own
         * append was on the stack, the message's first line and its PostgreSQL "Detail:" line (the reason code),
         * numbers masked, at most 240 characters.
         */
        private static String reason(Exception e, boolean atCommit) {
            StringBuilder sb = new StringBuilder(atCommit ? "commit(): " : "statement: ");
            if (onStack(e, "io.ledgerjdbc.ledger.store.LedgerStore")) sb.append("[in the ledger append] ");
            List<String> lines = String.valueOf(e.getMessage()).lines().toList();
            sb.append(lines.isEmpty() ? "" : lines.get(0).trim());
            lines.stream().map(String::trim).filter(l -> l.startsWith("Detail:")).findFirst().ifPresent(d -> sb.append(" | ").append(d));
            String m = sb.toString().replaceAll("\\d+", "N");
            return m.length() > 240 ? m.substring(0, 240) + "…" : m;
        }

        private static boolean onStack(Throwable t, String classPrefix) {
            for (Throwable x = t; x != null; x = x.getCause()) {
                for (StackTraceElement f : x.getStackTrace()) {
                    if (f.getClassName().startsWith(classPrefix)) return true;
                }
            }
            return false;
        }
    }

    // ---- the five transactions (clause 2.4-2.8), single warehouse: every supplier and customer is home ----------

    private Transaction newOrder() {
        int w = rnd.between(1, scale.warehouses());
        int d = rnd.between(1, TpccLoader.DISTRICTS);
        int customer = rnd.customerId(scale.customers());
        int lineCount = rnd.between(5, 15);
        boolean rollback = rnd.between(1, 100) == 1;
        int[] items = new int[lineCount];
        int[] quantities = new int[lineCount];
        for (int i = 0; i < lineCount; i++) {
            items[i] = rollback && i == lineCount - 1 ? scale.items() + 1 : rnd.itemId(scale.items());
            quantities[i] = rnd.between(1, 10);
        }
        return () -> {
            noStockUpdate.clearBatch(); // what an earlier attempt or an aborted order left
            noLine.clearBatch();
            try (ResultSet rs = query(noCustomer, w, d, customer)) {
                expect(rs, "customer");
            }
            try (ResultSet rs = query(noWarehouse, w)) {
                expect(rs, "warehouse");
            }
            int orderId;
            try (ResultSet rs = query(noDistrict, w, d)) {
                expect(rs, "district");
                orderId = rs.getInt(1);
            }
            update(noDistrictUpdate, w, d);
            Timestamp now = new Timestamp(System.currentTimeMillis());
            noOrder.setInt(1, orderId);
            noOrder.setInt(2, d);
            noOrder.setInt(3, w);
            noOrder.setInt(4, customer);
            noOrder.setTimestamp(5, now);
            noOrder.setInt(6, lineCount);
            noOrder.setInt(7, 1);
            noOrder.executeUpdate();
            update(noNewOrder, orderId, d, w);
            for (int i = 0; i < lineCount; i++) {
                BigDecimal price;
                try (ResultSet rs = query(noItem, items[i])) {
                    if (!rs.next()) throw new UserAbort();
                    price = rs.getBigDecimal(1);
                }
                int quantity;
                String distInfo;
                try (ResultSet rs = query(noStock, items[i], w)) {
                    expect(rs, "stock");
                    quantity = rs.getInt(1);
                    distInfo = rs.getString(2 + d);
                }
                int newQuantity = quantity - quantities[i] >= 10 ? quantity - quantities[i] : quantity - quantities[i] + 91;
                noStockUpdate.setInt(1, newQuantity);
                noStockUpdate.setInt(2, quantities[i]);
                noStockUpdate.setInt(3, 0);
                noStockUpdate.setInt(4, items[i]);
                noStockUpdate.setInt(5, w);
                noStockUpdate.addBatch();
                noLine.setInt(1, orderId);
                noLine.setInt(2, d);
                noLine.setInt(3, w);
                noLine.setInt(4, i + 1);
                noLine.setInt(5, items[i]);
                noLine.setInt(6, w);
                noLine.setInt(7, quantities[i]);
                noLine.setBigDecimal(8, price.multiply(BigDecimal.valueOf(quantities[i])).setScale(2, RoundingMode.HALF_UP));
                noLine.setString(9, distInfo);
                noLine.addBatch();
            }
            noStockUpdate.executeBatch();
            noLine.executeBatch();
            return true;
        };
    }

    private Transaction payment() {
        int w = rnd.between(1, scale.warehouses());
        int d = rnd.between(1, TpccLoader.DISTRICTS);
        CustomerKey key = pickCustomer();
        BigDecimal amount = rnd.cents(100, 500_000);
        return () -> {
            update(payWarehouseUpdate, amount, w);
            String warehouseName;
            try (ResultSet rs = query(payWarehouse, w)) {
                expect(rs, "warehouse");
                warehouseName = rs.getString(6);
            }
            update(payDistrictUpdate, amount, w, d);
            String districtName;
            try (ResultSet rs = query(payDistrict, w, d)) {
                expect(rs, "district");
                districtName = rs.getString(6);
            }
            CustomerRow cust = find(key, w, d);
            BigDecimal balance = cust.balance.subtract(amount);
            BigDecimal ytd = cust.ytdPayment.add(amount);
            int count = cust.paymentCount + 1;
            if (cust.credit.equals("BC")) {
                String data;
                try (ResultSet rs = query(payCustomerData, w, d, cust.id)) {
                    expect(rs, "customer data");
                    data = rs.getString(1);
                }
                data = (cust.id + " " + d + " " + w + " " + d + " " + w + " " + amount + " | " + data);
                if (data.length() > 500) data = data.substring(0, 500);
                update(payCustomerUpdateBc, balance, ytd, count, data, w, d, cust.id);
            } else {
                update(payCustomerUpdate, balance, ytd, count, w, d, cust.id);
            }
            String h = warehouseName + "    " + districtName; // clause 2.5.2.2: at most 10 + 4 + 10 characters
            payHistory.setInt(1, d);
            payHistory.setInt(2, w);
            payHistory.setInt(3, cust.id);
            payHistory.setInt(4, d);
            payHistory.setInt(5, w);
            payHistory.setTimestamp(6, new Timestamp(System.currentTimeMillis()));
            payHistory.setBigDecimal(7, amount);
            payHistory.setString(8, h);
            payHistory.executeUpdate();
            return true;
        };
    }

    private Transaction orderStatus() {
        int w = rnd.between(1, scale.warehouses());
        int d = rnd.between(1, TpccLoader.DISTRICTS);
        CustomerKey key = pickCustomer();
        return () -> {
            CustomerRow cust = find(key, w, d);
            int orderId;
            try (ResultSet rs = query(osLastOrder, w, d, cust.id)) {
                expect(rs, "order of customer " + cust.id);
                orderId = rs.getInt(1);
            }
            try (ResultSet rs = query(osLines, orderId, d, w)) {
                int lines = 0;
                while (rs.next()) lines++;
                if (lines < 5) throw new SQLException("order-status: order " + orderId + " has " + lines + " lines", "XXBAD");
            }
            return false;
        };
    }

    private Transaction delivery() {
        int w = rnd.between(1, scale.warehouses());
        int carrier = rnd.between(1, 10);
        return () -> {
            Timestamp now = new Timestamp(System.currentTimeMillis());
            int delivered = 0;
            for (int d = 1; d <= TpccLoader.DISTRICTS; d++) {
                int orderId;
                try (ResultSet rs = query(dlOldest, d, w)) {
                    if (!rs.next()) continue; // no undelivered order in this district
                    orderId = rs.getInt(1);
                }
                if (update(dlDelete, orderId, d, w) != 1) throw new Race();
                int customer;
                try (ResultSet rs = query(dlOrderCustomer, orderId, d, w)) {
                    expect(rs, "order " + orderId);
                    customer = rs.getInt(1);
                }
                update(dlOrderUpdate, carrier, orderId, d, w);
                update(dlLinesUpdate, now, orderId, d, w);
                BigDecimal sum;
                try (ResultSet rs = query(dlLinesSum, orderId, d, w)) {
                    expect(rs, "order lines");
                    sum = rs.getBigDecimal(1);
                }
                update(dlCustomerUpdate, sum, w, d, customer);
                delivered++;
            }
            deliveredNow = delivered;
            return delivered > 0;
        };
    }

    /** New orders the delivery that is committing delivered; read right after its commit. */
    private int deliveredNow;

    private Transaction stockLevel() {
        int w = rnd.between(1, scale.warehouses());
        int threshold = rnd.between(10, 20);
        int d = homeDistrict;
        return () -> {
            int next;
            try (ResultSet rs = query(slNextOrder, w, d)) {
                expect(rs, "district");
                next = rs.getInt(1);
            }
            try (ResultSet rs = query(slLowStock, w, d, next, next - 20, w, threshold)) {
                expect(rs, "stock count");
            }
            return false;
        };
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private record CustomerRow(int id, String credit, BigDecimal balance, BigDecimal ytdPayment, int paymentCount) {
    }

    /** A customer as payment and order-status name one: 60 % by last name, else by id (clause 2.5.1.2). */
    private record CustomerKey(String last, int id) {
    }

    private CustomerKey pickCustomer() {
        return rnd.between(1, 100) <= 60 ? new CustomerKey(rnd.lastNameOfRun(scale.customers()), 0)
                : new CustomerKey(null, rnd.customerId(scale.customers()));
    }

    private CustomerRow find(CustomerKey key, int w, int d) throws SQLException {
        return key.last != null ? customerByName(w, d, key.last) : customerById(w, d, key.id);
    }

    private CustomerRow customerById(int w, int d, int id) throws SQLException {
        try (ResultSet rs = query(customerById, w, d, id)) {
            expect(rs, "customer " + id);
            return customer(rs);
        }
    }

    /** Clause 2.5.2.2: of the customers with that last name ordered by first name, the one at position ⌈n/2⌉. */
    private CustomerRow customerByName(int w, int d, String last) throws SQLException {
        List<CustomerRow> rows = new ArrayList<>();
        try (ResultSet rs = query(customerByName, w, d, last)) {
            while (rs.next()) rows.add(customer(rs));
        }
        if (rows.isEmpty()) throw new SQLException("no customer named " + last + " in district " + d, "XXBAD");
        return rows.get((rows.size() - 1) / 2);
    }

    private static CustomerRow customer(ResultSet rs) throws SQLException {
        return new CustomerRow(rs.getInt(17), rs.getString(10), rs.getBigDecimal(13), rs.getBigDecimal(14), rs.getInt(15));
    }

    private static ResultSet query(PreparedStatement ps, Object... params) throws SQLException {
        bind(ps, params);
        return ps.executeQuery();
    }

    private static int update(PreparedStatement ps, Object... params) throws SQLException {
        bind(ps, params);
        return ps.executeUpdate();
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Integer n) ps.setInt(i + 1, n);
            else if (p instanceof String s) ps.setString(i + 1, s);
            else if (p instanceof BigDecimal b) ps.setBigDecimal(i + 1, b);
            else if (p instanceof Timestamp t) ps.setTimestamp(i + 1, t);
            else throw new IllegalArgumentException("parameter type " + p);
        }
    }

    private static void expect(ResultSet rs, String what) throws SQLException {
        if (!rs.next()) throw new SQLException("TPC-C: " + what + " not found", "XXBAD");
    }
}
