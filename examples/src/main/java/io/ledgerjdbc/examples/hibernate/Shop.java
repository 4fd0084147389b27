package io.ledgerjdbc.examples.hibernate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

/**
 * A small JPA application: HikariCP pool, Hibernate ORM, three entities with relations. The only LedgerJDBC
 * thing in it is the {@code jdbc:ledger:} URL (and, for the pool, the driver class name). The benchmark runs
 * the same operations (bench module, HibernateBench).
 */
public final class Shop implements AutoCloseable {

    private final HikariDataSource pool;
    private final SessionFactory orm;

    /** {@code url} is any JDBC URL: {@code jdbc:ledger:h2:./shop} through the ledger, {@code jdbc:h2:./shop} without. */
    public Shop(String url, String user, String password, int poolSize) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        if (url.startsWith("jdbc:ledger:")) {
            cfg.setDriverClassName("io.ledgerjdbc.driver.LedgerDriver"); // HikariCP checks the URL against this driver
        }
        cfg.setUsername(user);
        cfg.setPassword(password);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setPoolName("shop");
        this.pool = new HikariDataSource(cfg);
        Configuration hibernate = new Configuration()
                .addAnnotatedClass(Customer.class)
                .addAnnotatedClass(PurchaseOrder.class)
                .addAnnotatedClass(Product.class)
                .setProperty(AvailableSettings.HBM2DDL_AUTO, "update")
                .setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "20")
                .setProperty(AvailableSettings.ORDER_INSERTS, "true");
        hibernate.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, pool);
        this.orm = hibernate.buildSessionFactory();
    }

    public void stock(String sku, String title, String price) {
        orm.inTransaction(s -> {
            if (s.find(Product.class, sku) == null) s.persist(new Product(sku, title, new BigDecimal(price)));
        });
    }

    public long newCustomer(String name) {
        Customer c = new Customer(name);
        orm.inTransaction(s -> s.persist(c));
        return c.id;
    }

    /** One order with the given products; its total is their sum. */
    public long placeOrder(long customerId, List<String> skus) {
        return orm.fromTransaction(s -> {
            Customer c = s.find(Customer.class, customerId);
            PurchaseOrder o = new PurchaseOrder(c, BigDecimal.ZERO);
            for (String sku : skus) {
                Product p = s.find(Product.class, sku);
                o.products.add(p);
                o.total = o.total.add(p.price);
            }
            c.orders.add(o);
            s.persist(o);
            return o.id;
        });
    }

    public void ship(long orderId) {
        orm.inTransaction(s -> s.find(PurchaseOrder.class, orderId).status = "SHIPPED");
    }

    public void rename(long customerId, String name) {
        orm.inTransaction(s -> s.find(Customer.class, customerId).name = name);
    }

    public BigDecimal revenue(long customerId) {
        return orm.fromTransaction(s -> s.createSelectionQuery(
                "select coalesce(sum(o.total), 0) from PurchaseOrder o where o.customer.id = :c", BigDecimal.class)
                .setParameter("c", customerId).getSingleResult());
    }

    public void cancel(long orderId) {
        orm.inTransaction(s -> {
            PurchaseOrder o = s.find(PurchaseOrder.class, orderId);
            o.customer.orders.remove(o); // orphan removal deletes it and its product links
        });
    }

    /** Deletes the customer with all its orders (cascade). */
    public void forget(long customerId) {
        orm.inTransaction(s -> s.remove(s.find(Customer.class, customerId)));
    }

    @Override
    public void close() {
        orm.close();
        pool.close();
    }
}
