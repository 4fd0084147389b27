package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members configured with different member lists refuse each other, and a process never counts toward the
 * majority of a member whose list does not name it. Member processes, JGroups on loopback.
 */
class MembershipAgreementTest {

    @TempDir
    Path dir;
    ProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    /**
     * Issue 11, defect 2: A (members A,B,C; B and C never started) alone commits nothing. D, started with the same
     * secret and cluster name but the list A,B,C,D, used to make A a leader that acknowledged commits.
     */
    @Test
    void aProcessWithAnotherMemberListNeverCountsTowardAMembersMajority() throws Exception {
        cluster = new ProcessCluster(dir, TestCluster.Db.SQLITE, 4);
        cluster.options.setProperty("ledger.secret", "one secret for all four members");
        cluster.options.setProperty("ledger.commitTimeout", "3s");
        Properties listOfA = new Properties();
        String members = cluster.files.members();
        listOfA.setProperty("ledger.members", members.substring(0, members.indexOf(",D=")));
        cluster.memberOptions.put("A", listOfA);

        cluster.start("A");
        ProcessCluster.Member d = cluster.launch("D");
        String firstOfD = d.reply();

        for (int i = 0; i < 3; i++) {
            String reply = cluster.member("A").exec("CREATE TABLE t" + i + " (k VARCHAR(64) PRIMARY KEY, v BIGINT)");
            assertTrue(reply.startsWith("ERR 08"),
                    () -> "A acknowledged a commit although no other member of its list A,B,C runs: " + reply);
            if (i == 0) {
                assertTrue(reply.contains("member list"), () -> "A's error names the disagreeing member list: " + reply);
            }
        }
        assertEquals(0, cluster.files.ledger("A").size(), "A applied nothing");

        assertTrue(firstOfD.startsWith("ERR 08001") && firstOfD.contains("member list"),
                () -> "D's first connection fails naming the disagreeing member lists: " + firstOfD);
        String logOfA = cluster.logText("A");
        String logOfD = cluster.logText("D");
        assertTrue(logOfA.contains("member list") && logOfA.contains("[A, B, C, D]"), "A logs whom it refused and why");
        assertTrue(logOfD.contains("member list") && logOfD.contains("[A, B, C]"), "D logs why it was refused");
    }
}
