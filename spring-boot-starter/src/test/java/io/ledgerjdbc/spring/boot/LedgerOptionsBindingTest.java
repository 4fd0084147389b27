package io.ledgerjdbc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** How {@code spring.datasource.ledger.*} properties are spelt and when they apply, on H2 through Boot's own DataSource. */
class LedgerOptionsBindingTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LedgerJdbcAutoConfiguration.class,
                        HealthContributorAutoConfiguration.class, LedgerJdbcHealthAutoConfiguration.class))
                .withPropertyValues("spring.datasource.username=sa");
    }

    private String url(String name) {
        return "jdbc:ledger:h2:" + dir.resolve(name).toAbsolutePath();
    }

    @Test
    void kebabCaseCamelCaseAndEnvironmentStyleKeysAllNameTheDriversOption() {
        runner().withPropertyValues("spring.datasource.url=" + url("spelling"), "spring.datasource.ledger.node=n1",
                        "spring.datasource.ledger.read-consistency=linearizable", "spring.datasource.ledger.digest.everyEntries=5", "spring.datasource.ledger.digest.every_seconds=7")
                .run(context -> {
                    HikariDataSource pool = context.getBean(HikariDataSource.class);
                    assertThat(pool.getDataSourceProperties())
                            .containsEntry("ledger.node", "n1")
                            .containsEntry("ledger.readConsistency", "linearizable")
                            .containsEntry("ledger.digest.everyEntries", "5")
                            .containsEntry("ledger.digest.everySeconds", "7");
                });
    }

    @Test
    void theApplicationsOwnLedgerPropertiesAreNotTheDrivers() {
        runner().withPropertyValues("spring.datasource.url=" + url("business"), "ledger.currency=EUR", "ledger.node=n9")
                .run(context -> {
                    assertThat(context.getBean(HikariDataSource.class).getDataSourceProperties()).isEmpty();
                    try (Connection c = context.getBean(DataSource.class).getConnection()) {
                        assertThat(c.isValid(1)).isTrue();
                    }
                });
    }

    @Test
    void aMisspeltOptionFailsTheStartNamingIt() {
        runner().withPropertyValues("spring.datasource.url=" + url("typo"), "spring.datasource.ledger.nod=n1")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("spring.datasource.ledger.nod is not a LedgerJDBC option")
                        .hasStackTraceContaining("spring.datasource.ledger.node"));
    }

    @Test
    void aMalformedValueFailsTheFirstConnectionNamingTheOption() {
        runner().withPropertyValues("spring.datasource.url=" + url("value"), "spring.datasource.ledger.create=perhaps")
                .run(context -> {
                    assertThat(context).hasNotFailed(); // the pool opens its first connection lazily
                    DataSource ds = context.getBean(DataSource.class);
                    assertThatThrownBy(() -> {
                        try (Connection c = ds.getConnection()) {
                            c.isValid(1);
                        }
                    }).hasStackTraceContaining("ledger.create").satisfies(e -> assertThat(sqlState(e)).isEqualTo("HY024"));
                });
    }

    @Test
    void hikariDataSourcePropertiesWinOverLedgerProperties() {
        runner().withPropertyValues("spring.datasource.url=" + url("precedence"), "spring.datasource.ledger.node=from-starter",
                        "spring.datasource.hikari.data-source-properties.ledger.node=from-hikari")
                .run(context -> assertThat(context.getBean(HikariDataSource.class).getDataSourceProperties())
                        .containsEntry("ledger.node", "from-hikari"));
    }

    @Test
    void anExplicitDriverClassIsKept() {
        runner().withPropertyValues("spring.datasource.url=" + url("explicit"),
                        "spring.datasource.driver-class-name=io.ledgerjdbc.driver.LedgerDriver")
                .run(context -> assertThat(context.getBean(HikariDataSource.class).getDriverClassName())
                        .isEqualTo("io.ledgerjdbc.driver.LedgerDriver"));
    }

    @Test
    void aDataSourceWithoutLedgerUrlIsLeftAlone() {
        runner().withPropertyValues("spring.datasource.url=jdbc:h2:" + dir.resolve("plain").toAbsolutePath(), "spring.datasource.ledger.node=n1")
                .run(context -> {
                    HikariDataSource pool = context.getBean(HikariDataSource.class);
                    assertThat(pool.getDataSourceProperties()).isEmpty();
                    assertThat(pool.getDriverClassName()).isEqualTo("org.h2.Driver");
                    HealthContributor ledger = context.getBean("ledgerHealthContributor", HealthContributor.class);
                    assertThat(((HealthIndicator) ledger).health().getStatus()).isEqualTo(Status.UNKNOWN);
                });
    }

    @Test
    void theHealthIndicatorCanBeTurnedOff() {
        runner().withPropertyValues("spring.datasource.url=" + url("nohealth"), "management.health.ledger.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("ledgerHealthContributor"));
    }

    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s.getSQLState();
            }
        }
        return null;
    }
}
