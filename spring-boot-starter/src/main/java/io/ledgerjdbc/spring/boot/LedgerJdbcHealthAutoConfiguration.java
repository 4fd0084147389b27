package io.ledgerjdbc.spring.boot;

import io.ledgerjdbc.driver.LedgerDriver;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The {@code ledger} health contributor ({@code /actuator/health/ledger}): one {@link LedgerHealthIndicator} per
 * DataSource with a {@code jdbc:ledger:} URL (a composite keyed by bean name when there are several). Turned off
 * with {@code management.health.ledger.enabled=false}.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnClass({LedgerDriver.class, HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(DataSource.class)
@ConditionalOnEnabledHealthIndicator("ledger")
public class LedgerJdbcHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "ledgerHealthContributor")
    HealthContributor ledgerHealthContributor(Map<String, DataSource> dataSources) {
        Map<String, String> urls = LedgerDataSources.ledgerUrls(dataSources);
        if (urls.isEmpty()) {
            return (HealthIndicator) () -> Health.unknown()
                    .withDetail("reason", "no DataSource with a jdbc:ledger: URL").build();
        }
        Map<String, HealthContributor> indicators = new LinkedHashMap<>();
        urls.forEach((name, url) -> indicators.put(name, new LedgerHealthIndicator(dataSources.get(name), url)));
        return indicators.size() == 1 ? indicators.values().iterator().next() : CompositeHealthContributor.fromMap(indicators);
    }
}
