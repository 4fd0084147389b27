package io.ledgerjdbc.spring.boot;

import com.zaxxer.hikari.HikariDataSource;
import io.ledgerjdbc.driver.LedgerDriver;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Makes Boot's DataSource work with a {@code jdbc:ledger:} URL without LedgerJDBC-specific settings:
 * <ul>
 *   <li>{@link DataSourceProperties}: Boot infers the driver class from the URL and does not know {@code jdbc:ledger:}
 *       (it would fall back to an embedded database's driver, which refuses the URL); the driver class becomes
 *       {@link LedgerDriver} unless {@code spring.datasource.driver-class-name} names one.</li>
 *   <li>HikariCP pools with a ledger URL get the {@code spring.datasource.ledger.*} options of the environment (see {@link LedgerOptions})
 *       as data source properties, which HikariCP passes to the driver with every connection. A key already set
 *       through {@code spring.datasource.hikari.data-source-properties} keeps that value.</li>
 * </ul>
 * Runs after initialization (binding) and before the pool starts: Boot's HikariCP pool opens its first connection
 * lazily, and its configuration can still change until then.
 */
public class LedgerDataSourcePostProcessor implements BeanPostProcessor, EnvironmentAware, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerDataSourcePostProcessor.class);
    private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
            LedgerDataSourcePostProcessor.class.getClassLoader());

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DataSourceProperties properties) {
            if (LedgerUrl.isLedgerUrl(properties.getUrl()) && properties.getDriverClassName() == null) {
                properties.setDriverClassName(LedgerDriver.class.getName());
            }
        } else if (HIKARI) {
            Hikari.configure(bean, beanName, environment);
        }
        return bean;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Kept apart so that the class loads without HikariCP on the classpath. */
    private static final class Hikari {

        static void configure(Object bean, String beanName, Environment environment) {
            if (!(bean instanceof HikariDataSource pool) || !LedgerUrl.isLedgerUrl(pool.getJdbcUrl())) {
                return;
            }
            if (pool.getDriverClassName() == null) {
                pool.setDriverClassName(LedgerDriver.class.getName());
            }
            Map<String, String> options = LedgerOptions.from(environment, pool.getJdbcUrl());
            options.forEach((key, value) -> {
                if (!pool.getDataSourceProperties().containsKey(key)) {
                    pool.addDataSourceProperty(key, value);
                }
            });
            LOG.debug("DataSource {} ({}): ledger options {}", beanName, LedgerUrl.withoutParameters(pool.getJdbcUrl()),
                    options.keySet());
        }
    }
}
