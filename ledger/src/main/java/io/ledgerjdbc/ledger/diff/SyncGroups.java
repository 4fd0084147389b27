package io.ledgerjdbc.ledger.diff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Which of several ledgers agree: a sync group is a longest ledger (its leader) and every ledger that is equal
 * to it or a prefix of it, so all members hold the same history and differ only in how far they have got. A
 * ledger that diverged from every leader starts a group of its own. Each ledger joins the first group (longest
 * leader first) it agrees with.
 */
public final class SyncGroups {

    /** A member and how many entries it is behind its group's leader. */
    public record Member(int index, long size, long behind) {
    }

    /** A group: its leader first. */
    public record Group(List<Member> members) {
        public Member leader() {
            return members.get(0);
        }
    }

    private SyncGroups() {
    }

    /**
     * @param sizes   each ledger's size
     * @param compare compares ledger i with ledger j (called only with a leader as i)
     */
    public static List<Group> of(long[] sizes, BiFunction<Integer, Integer, LedgerDiff.Result> compare) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> -sizes[i]).thenComparingInt(i -> i));
        List<List<Member>> groups = new ArrayList<>();
        for (int i : order) {
            List<Member> joined = null;
            for (List<Member> g : groups) {
                int leader = g.get(0).index();
                LedgerDiff.Result r = compare.apply(leader, i);
                if (r.relation() != LedgerDiff.Relation.DIVERGED) {
                    joined = g;
                    g.add(new Member(i, sizes[i], sizes[leader] - sizes[i]));
                    break;
                }
            }
            if (joined == null) {
                List<Member> g = new ArrayList<>();
                g.add(new Member(i, sizes[i], 0));
                groups.add(g);
            }
        }
        return groups.stream().map(Group::new).toList();
    }
}
