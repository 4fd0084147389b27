package io.ledgerjdbc.driver.cluster;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Tests that run a cluster of members inside this JVM: a fresh directory each, every member left at the end. */
abstract class InProcessClusterTest {

    @TempDir
    Path dir;
    TestCluster cluster;

    @AfterEach
    void leaveCluster() {
        if (cluster != null) cluster.close();
    }
}
