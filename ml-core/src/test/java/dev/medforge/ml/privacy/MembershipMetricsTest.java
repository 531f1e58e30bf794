package dev.medforge.ml.privacy;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The attack figures against values worked out by hand. */
class MembershipMetricsTest {
    private static final double[] MEMBERS = {0.9, 0.8, 0.4};
    private static final double[] NON_MEMBERS = {0.7, 0.3, 0.2, 0.1};

    @Test
    void theAucCountsTheMemberNonMemberPairsInOrder() {
        // 0.9 and 0.8 beat all four non-members, 0.4 beats three: 11 of 12 pairs
        assertEquals(11 / 12.0, MembershipMetrics.auc(MEMBERS, NON_MEMBERS), 1e-12);
        assertEquals(1 / 12.0, MembershipMetrics.auc(NON_MEMBERS, MEMBERS), 1e-12, "the swapped roles give 1 - AUC");
    }

    @Test
    void aTieCountsOneHalf() {
        assertEquals(0.5, MembershipMetrics.auc(new double[] {0.5}, new double[] {0.5}), 1e-12);
        // 0.5 ties with 0.5 and beats 0.2: (0.5 + 1) / 2
        assertEquals(0.75, MembershipMetrics.auc(new double[] {0.5}, new double[] {0.5, 0.2}), 1e-12);
    }

    @Test
    void theTprAtAnFprCountsMembersAboveTheThresholdThatFewEnoughNonMembersExceed() {
        // 1% of 4 non-members is none: the threshold is the top non-member 0.7, and 2 of 3 members are above it
        assertEquals(2 / 3.0, MembershipMetrics.tprAtFpr(MEMBERS, NON_MEMBERS, 0.01), 1e-12);
        // 25% allows one: the threshold falls to 0.3, and all 3 members are above it
        assertEquals(1.0, MembershipMetrics.tprAtFpr(MEMBERS, NON_MEMBERS, 0.25), 1e-12);
        assertEquals(0.0, MembershipMetrics.tprAtFpr(new double[] {0.1}, new double[] {0.5}, 0.01));
    }

    @Test
    void theIntervalHoldsTheAucAndCollapsesWhenEveryResampleAgrees() {
        AttackResult r = MembershipMetrics.evaluate(MEMBERS, NON_MEMBERS, 7);
        assertTrue(r.ciLow() <= r.auc() && r.auc() <= r.ciHigh(), r.toString());
        assertTrue(r.ciLow() >= 0 && r.ciHigh() <= 1, r.toString());
        AttackResult separated = MembershipMetrics.evaluate(new double[] {2, 3}, new double[] {0, 1}, 7);
        assertEquals(1.0, separated.ciLow());
        assertEquals(1.0, separated.ciHigh());
        assertEquals(2, separated.members());
    }
}
