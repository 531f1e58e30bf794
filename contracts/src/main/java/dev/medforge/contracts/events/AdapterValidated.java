package dev.medforge.contracts.events;

import java.util.List;

/** The adapter passed every format and privacy check and may be merged. */
public record AdapterValidated(
        String submissionId,
        String institution,
        String branch,
        String task,
        AdapterSubmitted.SubmittedArtifacts artifacts,
        ValidationReport report) implements EventData {

    /**
     * @param maxDeltaNorm the largest per-layer Frobenius norm of B·A, checked against the branch bound
     * @param checks       the names of the checks that ran and passed
     * @param privacy      the figures the privacy report declared, for the model card; null in events
     *                     from before ingest passed them on
     */
    public record ValidationReport(
            int rank,
            List<String> targetModules,
            double maxDeltaNorm,
            int distilledImages,
            List<String> checks,
            PrivacyFigures privacy) {

        /** A report without privacy figures, as ingest wrote it before they were passed on. */
        public ValidationReport(int rank, List<String> targetModules, double maxDeltaNorm, int distilledImages, List<String> checks) {
            this(rank, targetModules, maxDeltaNorm, distilledImages, checks, null);
        }
    }
}
