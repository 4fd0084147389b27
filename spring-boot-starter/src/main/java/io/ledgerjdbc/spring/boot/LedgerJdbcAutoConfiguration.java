package io.ledgerjdbc.spring.boot;

import io.ledgerjdbc.driver.LedgerDriver;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A {@code spring.datasource.url=jdbc:ledger:…} is enough: the driver class is inferred, and the {@code spring.datasource.ledger.*}
 * options of the application's properties reach the driver as its {@code ledger.*} options (see {@link LedgerDataSourcePostProcessor}).
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({LedgerDriver.class, DataSource.class})
public class LedgerJdbcAutoConfiguration {

    @Bean
    static LedgerDataSourcePostProcessor ledgerDataSourcePostProcessor() {
        return new LedgerDataSourcePostProcessor();
    }
}
