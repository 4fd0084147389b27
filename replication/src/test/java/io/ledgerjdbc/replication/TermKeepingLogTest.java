package io.ledgerjdbc.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.Log;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raft log keeps the highest term on disk across appends, truncations and restarts, so a restarted member
 * never votes twice in one term (two leaders of one term wrote different entries under the same index and term).
 */
class TermKeepingLogTest {

    @TempDir
    Path dir;

    @Test
    void aTermVotedInIsNotLoweredByEntriesOfAnEarlierTermAndSurvivesARestart() throws Exception {
        String path = dir.resolve("member.log").toString();
        Log log = open(new TermKeepingLog(), path);
        log.currentTerm(3); // voted in term 3
        log.append(1, entries(2, "a", "b", "c")); // then caught up on entries of term 2
        assertEquals(3, log.currentTerm(), "after an append of earlier-term entries");
        log.deleteAllEntriesStartingFrom(3);
        assertEquals(3, log.currentTerm(), "after a truncation that leaves an earlier-term entry last");
        log.close();

        Log restarted = open(new TermKeepingLog(), path);
        assertEquals(3, restarted.currentTerm(), "after a restart");
        restarted.append(3, entries(5, "d"));
        assertEquals(5, restarted.currentTerm(), "a later term is stored as before");
        restarted.close();
        Log again = open(new TermKeepingLog(), path);
        assertEquals(5, again.currentTerm());
        assertEquals(3, again.lastAppended());
        assertEquals("d", new String(again.get(3).command(), StandardCharsets.UTF_8));
        again.close();
    }

    @Test
    void aSnapshotWhoseLastEntryHasAnEarlierTermDoesNotLowerTheTerm() throws Exception {
        String path = dir.resolve("snapshot.log").toString();
        Log log = open(new TermKeepingLog(), path);
        log.append(1, entries(5, "a", "b"));
        log.currentTerm(7); // voted in term 7
        log.reinitializeTo(40, new LogEntry(6, null)); // the leader's snapshot ends with an entry of term 6
        assertEquals(7, log.currentTerm());
        log.close();
        Log restarted = open(new TermKeepingLog(), path);
        assertEquals(7, restarted.currentTerm());
        restarted.close();
    }

    /** Why the class exists: if this fails, the library keeps the term itself and TermKeepingLog can go. */
    @Test
    void theLibrarysFileLogLowersTheStoredTermToItsEntries() throws Exception {
        Log log = open(new FileBasedLog(), dir.resolve("plain.log").toString());
        log.currentTerm(3);
        log.append(1, entries(2, "a"));
        assertEquals(2, log.currentTerm());
        log.close();
    }

    private static Log open(Log log, String path) throws Exception {
        log.init(path, Map.of());
        return log;
    }

    private static LogEntries entries(long term, String... commands) {
        LogEntries e = new LogEntries();
        for (String c : commands) {
            e.add(new LogEntry(term, c.getBytes(StandardCharsets.UTF_8)));
        }
        return e;
    }
}
