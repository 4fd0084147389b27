package io.ledgerjdbc.spring.boot;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import io.ledgerjdbc.driver.LedgerDataSource;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.util.ClassUtils;

/** The application's DataSources that write through LedgerJDBC, with their {@code jdbc:ledger:} URLs. */
final class LedgerDataSources {

    private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
            LedgerDataSources.class.getClassLoader());

    private LedgerDataSources() {
    }

    /** Bean name → ledger URL, for every DataSource bean whose URL is a {@code jdbc:ledger:} one. */
    static Map<String, String> ledgerUrls(Map<String, DataSource> dataSources) {
        Map<String, String> urls = new LinkedHashMap<>();
        dataSources.forEach((name, dataSource) -> {
            String url = urlOf(dataSource);
            if (LedgerUrl.isLedgerUrl(url)) {
                urls.put(name, url);
            }
        });
        return urls;
    }

    private static String urlOf(DataSource dataSource) {
        LedgerDataSource ledger = DataSourceUnwrapper.unwrap(dataSource, LedgerDataSource.class);
        if (ledger != null) {
            return ledger.getUrl();
        }
        return HIKARI ? Hikari.urlOf(dataSource) : null;
    }

    private static final class Hikari {
        static String urlOf(DataSource dataSource) {
            HikariDataSource pool = DataSourceUnwrapper.unwrap(dataSource, HikariConfigMXBean.class, HikariDataSource.class);
            return pool == null ? null : pool.getJdbcUrl();
        }
    }
}
