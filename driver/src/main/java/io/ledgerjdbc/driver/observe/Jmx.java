package io.ledgerjdbc.driver.observe;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers the driver's MBeans; a failure to register (no JMX, a name clash) never fails a connection. */
final class Jmx {

    private static final Logger LOG = LoggerFactory.getLogger(Jmx.class);

    private Jmx() {
    }

    static void register(Object bean, String name) {
        try {
            ObjectName on = new ObjectName(name);
            var server = ManagementFactory.getPlatformMBeanServer();
            if (!server.isRegistered(on)) {
                server.registerMBean(bean, on);
            }
        } catch (JMException | RuntimeException e) {
            LOG.warn("LedgerJDBC metrics not registered as {}: {}", name, e.toString());
        }
    }
}
