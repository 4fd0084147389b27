package io.ledgerjdbc.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {

    @Test
    void theQuickstartRecordsOneEntryPerCommitAndRunsAgainOnTheSameFile(@TempDir Path dir) throws Exception {
        String url = "jdbc:ledger:sqlite:" + dir.resolve("quickstart.db");
        assertThat(Quickstart.run(url)).isEqualTo(3); // CREATE TABLE, the insert, the update+delete transaction
        assertThat(Quickstart.run(url)).isEqualTo(6); // IF NOT EXISTS is recorded as DDL too; then insert, update
    }
}
