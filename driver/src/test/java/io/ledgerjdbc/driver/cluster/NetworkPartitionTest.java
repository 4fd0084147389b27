package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network partition, not a process pause: every member runs on, in its own JVM, while a TCP proxy between
 * them ({@link PartitionProxy}) cuts the leader off from the two others. The leader's side is the minority: it
 * steps down and its writes fail with SQLState 08001 or 08007 (docs/operations.md), none commits; the majority
 * elects a leader and keeps committing. After the heal the ledgers converge and no acknowledged commit is lost.
 */
class NetworkPartitionTest {

    @TempDir
    Path dir;
    ProcessCluster cluster;
    PartitionProxy proxy;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
        if (proxy != null) proxy.close();
    }

    @Test
    void theCutOffLeadersWritesFailTheMajorityCommitsAndAfterTheHealNothingAcknowledgedIsLost() throws Exception {
        cluster = new ProcessCluster(dir, TestCluster.Db.SQLITE, 3);
        proxy = new PartitionProxy(cluster.ids());
        cluster.options.setProperty("ledger.members", proxy.members());
        cluster.options.setProperty("ledger.commitTimeout", "5s");
        for (String id : cluster.ids()) {
            Properties p = new Properties();
            p.setProperty("ledger.bind", proxy.bind(id));
            cluster.memberOptions.put(id, p);
        }
        for (String id : cluster.ids()) cluster.start(id);
        awaitOneView(60_000);
        String leader = cluster.awaitLeader(20_000);
        assertTrue(cluster.member(leader).exec("CREATE TABLE kv (k VARCHAR(64) PRIMARY KEY, v BIGINT)").startsWith("OK"));
        cluster.awaitConverged(30_000);
        assertEquals(Set.copyOf(cluster.ids()), Set.copyOf(proxy.seen), "every member's connections pass the proxy, told apart");
        assertEquals(List.of(), proxy.strangers, "no connection from an address that is no member's");

        for (String id : cluster.ids()) cluster.member(id).write(2);
        awaitAcks(cluster.ids(), System.currentTimeMillis(), "before the partition");

        List<String> majority = cluster.ids().stream().filter(id -> !id.equals(leader)).toList();
        long cutAt = System.currentTimeMillis();
        proxy.partition(Set.of(leader));
        awaitAcks(majority, cutAt + 3000, "on the majority side after the cut");
        Thread.sleep(2000);
        long healAt = System.currentTimeMillis();
        proxy.heal();

        // Nothing begun on the cut-off leader after the cut commits: it cannot reach anyone.
        List<String[]> minorityAcks = cluster.member(leader).acks.stream()
                .filter(a -> Long.parseLong(a[2]) > cutAt + 100 && Long.parseLong(a[2]) < healAt).toList();
        assertEquals(0, minorityAcks.size(), () -> "the cut-off leader acknowledged commits begun after the cut: " + minorityAcks.get(0)[1]);
        List<String[]> minorityFails = cluster.member(leader).fails.stream()
                .filter(f -> Long.parseLong(f[3]) > cutAt + 2000 && Long.parseLong(f[4]) < healAt).toList();
        assertTrue(!minorityFails.isEmpty(), () -> "the cut-off leader's writers reported no failure: " + cluster.describe());
        for (String[] f : minorityFails) {
            assertTrue(f[2].equals("08001") || f[2].equals("08007"), () -> "documented SQLState on the minority side: " + String.join(" ", f));
        }
        long majorityAcks = majority.stream().flatMap(id -> cluster.member(id).acks.stream())
                .filter(a -> Long.parseLong(a[2]) > cutAt + 3000 && Long.parseLong(a[3]) < healAt).count();

        // After the heal the former leader rejoins and commits again.
        awaitAcks(List.of(leader), healAt + 500, "on the former leader after the heal");
        for (String id : cluster.ids()) cluster.member(id).stopWriting();
        cluster.awaitConverged(60_000);
        System.out.println("[network partition] leader " + leader + " cut off: " + minorityFails.size()
                + " writes failed there (e.g. " + String.join(" ", minorityFails.get(0)) + "); the majority committed "
                + majorityAcks + " in the same time; " + cluster.acked.size() + " acknowledged in all");
        cluster.exitAll();
        cluster.assertIdenticalAndComplete();
    }

    /** Waits until every member's view holds all of them (joins and merges through the proxy). */
    private void awaitOneView(long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!cluster.ids().stream().allMatch(id -> viewSize(id) == cluster.ids().size())) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the members did not form one view through the proxy: " + proxy + "; " + cluster.describe());
            }
            Thread.sleep(200);
        }
    }

    private int viewSize(String id) {
        try {
            return cluster.member(id).status().get("view").split(",").length;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (up to 30 s) until one of {@code members} acknowledged a commit begun after {@code since}. */
    private void awaitAcks(List<String> members, long since, String when) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (members.stream().flatMap(id -> cluster.member(id).acks.stream()).noneMatch(a -> Long.parseLong(a[2]) > since)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no commit acknowledged " + when + ": " + cluster.describe());
            }
            Thread.sleep(50);
        }
    }
}
