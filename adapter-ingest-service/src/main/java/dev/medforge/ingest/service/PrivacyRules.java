package dev.medforge.ingest.service;

import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;
import dev.medforge.contracts.events.PrivacyFigures;
import dev.medforge.contracts.registry.Views.Policy;
import dev.medforge.ml.distill.PrivacyReport;
import dev.medforge.ml.privacy.AttackResult;
import dev.medforge.ml.privacy.MembershipAudit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The branch's privacy policy against a submission's privacy report. The figures are the
 * institution's declaration: without its data they cannot be recomputed here. What can be checked
 * is that the report is whole and consistent, that its audit covered the very files submitted
 * (their digests), and that the declared figures are within the branch's limits.
 */
final class PrivacyRules {

    private static final String AUDIT = "privacy_report.membershipAudit";
    private static final String DISTANCE = AUDIT + ".attacks." + MembershipAudit.DISTANCE;

    private PrivacyRules() {
    }

    /** Every rule {@code report} breaks for a distilled set of {@code images} images; empty if none. */
    static List<RejectionReason> check(PrivacyReport report, int images, SubmittedArtifacts artifacts, Policy policy) {
        List<RejectionReason> reasons = new ArrayList<>();
        if (report.images() != null && report.images().contains(null)) {
            // A null entry made this check throw, and the submission stayed RECEIVED with no reason.
            reasons.add(new RejectionReason("PRIVACY_REPORT", "privacy_report.images[" + report.images().indexOf(null) + "]",
                    "an entry is null; each image needs {index, label, nearestRealDistance, ratio}"));
            return reasons;
        }
        TreeSet<Integer> covered = new TreeSet<>();
        if (report.images() != null) {
            report.images().forEach(entry -> covered.add(entry.index()));
        }
        if (covered.size() != images || (images > 0 && (covered.first() != 0 || covered.last() != images - 1))) {
            reasons.add(new RejectionReason("PRIVACY_REPORT", "privacy_report.images",
                    "the report covers " + covered.size() + " images, the distilled set has " + images));
            return reasons;
        }
        // The report's own minRatio is not trusted: the per-image entries are what is checked.
        for (int i = 0; i < report.images().size(); i++) {
            double ratio = report.images().get(i).ratio();
            if (!(ratio >= policy.minNearestRealRatio())) {
                reasons.add(new RejectionReason("PRIVACY_NN_RATIO", "privacy_report.images[" + i + "].ratio", String.format(Locale.ROOT,
                        "image %d is %.3g of the typical real-to-real distance from a real image; the branch's minNearestRealRatio is %.3g",
                        report.images().get(i).index(), ratio, policy.minNearestRealRatio())));
            }
        }
        MembershipAudit audit = report.membershipAudit();
        if (audit == null) {
            if (policy.privacyAuditRequired()) {
                reasons.add(new RejectionReason("PRIVACY_AUDIT_MISSING", AUDIT, "the branch requires a membership-inference audit"
                        + " (privacyAuditRequired) and the report (schemaVersion " + report.schemaVersion() + ") has none;"
                        + " run 'medforge privacy audit' on the files you submit"));
            }
            return reasons;
        }
        checkCoverage(audit, artifacts, reasons);
        checkDistanceAttack(audit, policy, reasons);
        return reasons;
    }

    /**
     * The figures of a report that passed {@link #check} for the model card: the distance attack's, if
     * the report has an audit, and the smallest ratio of the per-image entries (not the report's own
     * minRatio, which is not trusted).
     */
    static PrivacyFigures figures(PrivacyReport report) {
        Double minRatio = report.images().stream().map(PrivacyReport.Entry::ratio).min(Double::compare).orElse(null);
        AttackResult distance = report.membershipAudit() == null ? null : report.membershipAudit().attacks().get(MembershipAudit.DISTANCE);
        return distance == null ? new PrivacyFigures(null, null, null, minRatio)
                : new PrivacyFigures(distance.auc(), distance.ciHigh(), distance.tprAt1Fpr(), minRatio);
    }

    /** An audit of other files, an earlier distilled set or adapter, says nothing about these. */
    private static void checkCoverage(MembershipAudit audit, SubmittedArtifacts artifacts, List<RejectionReason> reasons) {
        if (audit.distilledDigest() == null) {
            reasons.add(new RejectionReason("PRIVACY_REPORT_MISMATCH", AUDIT + ".distilledDigest",
                    "the audit does not say which distilled set it covered; run 'medforge privacy audit' again"));
        } else if (!audit.distilledDigest().equals(artifacts.distilled())) {
            reasons.add(new RejectionReason("PRIVACY_REPORT_MISMATCH", AUDIT + ".distilledDigest",
                    "the audit covered distilled set " + audit.distilledDigest() + ", the submitted one is " + artifacts.distilled()));
        }
        if (audit.adapterDigest() != null && !audit.adapterDigest().equals(artifacts.adapterModel())) {
            reasons.add(new RejectionReason("PRIVACY_REPORT_MISMATCH", AUDIT + ".adapterDigest",
                    "the audit covered adapter weights " + audit.adapterDigest() + ", the submitted ones are " + artifacts.adapterModel()));
        }
    }

    private static void checkDistanceAttack(MembershipAudit audit, Policy policy, List<RejectionReason> reasons) {
        AttackResult distance = audit.attacks() == null ? null : audit.attacks().get(MembershipAudit.DISTANCE);
        if (distance == null) {
            reasons.add(new RejectionReason("PRIVACY_REPORT", DISTANCE, "the audit has no distance attack, which the branch's"
                    + " maxMembershipAuc is checked against"));
            return;
        }
        if (!(0 <= distance.ciLow() && distance.ciLow() <= distance.auc() && distance.auc() <= distance.ciHigh() && distance.ciHigh() <= 1)) {
            reasons.add(new RejectionReason("PRIVACY_REPORT", DISTANCE, String.format(Locale.ROOT,
                    "AUC %s is not within its interval [%s, %s] inside [0, 1]", distance.auc(), distance.ciLow(), distance.ciHigh())));
            return;
        }
        if (distance.ciHigh() > policy.maxMembershipAuc()) {
            reasons.add(new RejectionReason("PRIVACY_MIA", DISTANCE + ".ciHigh", String.format(Locale.ROOT,
                    "the distance attack's AUC %.3f has an upper 95%% bound of %.3f, above the branch's maxMembershipAuc %.3f",
                    distance.auc(), distance.ciHigh(), policy.maxMembershipAuc())));
        }
    }
}
