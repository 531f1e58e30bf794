package dev.medforge.ingest.service;

import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;
import dev.medforge.contracts.events.PrivacyFigures;
import dev.medforge.contracts.registry.Views.Policy;
import dev.medforge.ml.distill.PrivacyReport;
import dev.medforge.ml.privacy.AttackResult;
import dev.medforge.ml.privacy.MembershipAudit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The branch's privacy policy against a privacy report, rule by rule. */
class PrivacyRulesTest {

    private static final String DISTILLED = "sha256:" + "d".repeat(64);
    private static final String WEIGHTS = "sha256:" + "a".repeat(64);
    private static final SubmittedArtifacts ARTIFACTS = new SubmittedArtifacts("sha256:" + "c".repeat(64), WEIGHTS, DISTILLED,
            "sha256:" + "f".repeat(64));

    @Test
    void aReportWithinThePolicyPassesWithOrWithoutTheAudit() {
        assertEquals(List.of(), PrivacyRules.check(report(1.1), 4, ARTIFACTS, policy(0.60, false)));
        assertEquals(List.of(), PrivacyRules.check(report(1.1).withAudit(audit(0.52, 0.58, DISTILLED, WEIGHTS)), 4, ARTIFACTS,
                policy(0.60, true)));
    }

    @Test
    void anImageTooCloseToARealOneBreaksTheRatioNamingTheImageAndBothFigures() {
        List<RejectionReason> reasons = PrivacyRules.check(report(0.3), 4, ARTIFACTS, policy(0.60, false));

        assertEquals(3, reasons.size());
        assertEquals("PRIVACY_NN_RATIO", reasons.get(1).code());
        assertEquals("privacy_report.images[2].ratio", reasons.get(1).field());
        assertEquals("image 2 is 0.300 of the typical real-to-real distance from a real image; the branch's minNearestRealRatio is 0.500",
                reasons.get(1).message());
    }

    @Test
    void anAttackWhoseUpperBoundExceedsTheBranchLimitIsPrivacyMia() {
        List<RejectionReason> reasons = PrivacyRules.check(report(1.1).withAudit(audit(0.58, 0.63, DISTILLED, null)), 4, ARTIFACTS,
                policy(0.60, false));

        assertEquals(List.of(new RejectionReason("PRIVACY_MIA", "privacy_report.membershipAudit.attacks.distance.ciHigh",
                "the distance attack's AUC 0.580 has an upper 95% bound of 0.630, above the branch's maxMembershipAuc 0.600")), reasons);
        assertEquals(List.of(), PrivacyRules.check(report(1.1).withAudit(audit(0.58, 0.63, DISTILLED, null)), 4, ARTIFACTS,
                policy(0.65, false)), "a looser branch takes the same report");
    }

    @Test
    void aMissingAuditIsRefusedOnlyWhereTheBranchRequiresOne() {
        List<RejectionReason> reasons = PrivacyRules.check(report(1.1), 4, ARTIFACTS, policy(0.60, true));

        assertEquals(1, reasons.size());
        assertEquals("PRIVACY_AUDIT_MISSING", reasons.get(0).code());
        assertEquals("privacy_report.membershipAudit", reasons.get(0).field());
        assertTrue(reasons.get(0).message().contains("privacyAuditRequired"), reasons.get(0).message());
    }

    @Test
    void anAuditOfOtherFilesOrOfUnnamedFilesIsAMismatch() {
        String other = "sha256:" + "0".repeat(64);
        List<RejectionReason> reasons = PrivacyRules.check(report(1.1).withAudit(audit(0.5, 0.55, other, other)), 4, ARTIFACTS,
                policy(0.60, false));
        List<RejectionReason> unnamed = PrivacyRules.check(report(1.1).withAudit(audit(0.5, 0.55, null, null)), 4, ARTIFACTS,
                policy(0.60, false));

        assertEquals(List.of("PRIVACY_REPORT_MISMATCH", "PRIVACY_REPORT_MISMATCH"), reasons.stream().map(RejectionReason::code).toList());
        assertEquals(List.of("privacy_report.membershipAudit.distilledDigest", "privacy_report.membershipAudit.adapterDigest"),
                reasons.stream().map(RejectionReason::field).toList());
        assertEquals("the audit covered distilled set " + other + ", the submitted one is " + DISTILLED, reasons.get(0).message());
        assertEquals(List.of("privacy_report.membershipAudit.distilledDigest"), unnamed.stream().map(RejectionReason::field).toList());
    }

    @Test
    void anInconsistentOrIncompleteAuditIsAMalformedReport() {
        MembershipAudit aucOutsideItsInterval = new MembershipAudit(10, 3, Map.of(MembershipAudit.DISTANCE,
                new AttackResult(0.7, 0.4, 0.6, 0, 10, 10)), Map.of(), DISTILLED, null);
        MembershipAudit noDistanceAttack = new MembershipAudit(10, 3, Map.of(), Map.of(), DISTILLED, null);

        for (MembershipAudit audit : List.of(aucOutsideItsInterval, noDistanceAttack)) {
            List<RejectionReason> reasons = PrivacyRules.check(report(1.1).withAudit(audit), 4, ARTIFACTS, policy(0.60, false));
            assertEquals(List.of("PRIVACY_REPORT"), reasons.stream().map(RejectionReason::code).toList(), audit.toString());
            assertEquals("privacy_report.membershipAudit.attacks.distance", reasons.get(0).field());
        }
    }

    @Test
    void aReportThatDoesNotCoverTheDistilledSetIsRefusedBeforeAnyFigure() {
        List<RejectionReason> reasons = PrivacyRules.check(report(0.1), 5, ARTIFACTS, policy(0.60, true));

        assertEquals(List.of(new RejectionReason("PRIVACY_REPORT", "privacy_report.images",
                "the report covers 4 images, the distilled set has 5")), reasons);
    }

    /** Issue 13: what the model card shows of a report, the minimum taken from the entries rather than the report's own claim. */
    @Test
    void theFiguresForTheCardAreTheDistanceAttacksAndTheSmallestRatioOfTheEntries() {
        PrivacyReport claimsMore = new PrivacyReport(6.8, 500, 2.0, report(0.9).images());

        assertEquals(new PrivacyFigures(null, null, null, 0.9), PrivacyRules.figures(claimsMore));
        assertEquals(new PrivacyFigures(0.52, 0.58, 0.01, 0.9), PrivacyRules.figures(claimsMore.withAudit(audit(0.52, 0.58, DISTILLED, WEIGHTS))));
    }

    /** Four images: every one at {@code ratio} except image 0, which is comfortably far. */
    private static PrivacyReport report(double ratio) {
        List<PrivacyReport.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            entries.add(new PrivacyReport.Entry(i, i % 2, 7.0, i == 0 ? 1.2 : ratio));
        }
        return new PrivacyReport(6.8, 500, ratio, entries);
    }

    private static MembershipAudit audit(double auc, double ciHigh, String distilledDigest, String adapterDigest) {
        return new MembershipAudit(100, 3, Map.of(MembershipAudit.DISTANCE, new AttackResult(auc, auc - 0.05, ciHigh, 0.01, 100, 100)),
                Map.of(MembershipAudit.DISTANCE, new AttackResult(1, 1, 1, 1, 100, 100)), distilledDigest, adapterDigest);
    }

    private static Policy policy(double maxMembershipAuc, boolean auditRequired) {
        return new Policy("fusion", 2.0, 5.0, 16, 50.0, maxMembershipAuc, 0.5, 50, auditRequired);
    }
}
