package io.ledgerjdbc.spring.boot;

import io.ledgerjdbc.driver.LedgerDriver;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** Micrometer meters for every DataSource with a {@code jdbc:ledger:} URL (see {@link LedgerMeterBinder}). */
@AutoConfiguration(after = {MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
        SimpleMetricsExportAutoConfiguration.class, DataSourceAutoConfiguration.class})
@ConditionalOnClass({LedgerDriver.class, MeterRegistry.class, MetricsAutoConfiguration.class})
@ConditionalOnBean({MeterRegistry.class, DataSource.class})
public class LedgerJdbcMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LedgerMeterBinder ledgerMeterBinder(Map<String, DataSource> dataSources) {
        return new LedgerMeterBinder(LedgerDataSources.ledgerUrls(dataSources).values());
    }
}
