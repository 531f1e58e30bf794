package dev.medforge.contracts.events;

/** A submission reached a stage; the gateway forwards it to the submitting institution only. */
public record SubmissionStatus(
        String submissionId,
        String institution,
        String branch,
        Stage stage,
        String detail) implements EventData {

    @Override
    public String discriminator() {
        return submissionId + "/" + stage;
    }

    public enum Stage {
        RECEIVED, VALIDATED, REJECTED, MERGED, EVALUATED, PUBLISHED, GATED_OUT,
        /** Taken out of the branch at its institution's or an operator's request; a later version omits it. */
        WITHDRAWN;

        /** A submission in a terminal stage will not move again, except a published one that is withdrawn. */
        public boolean terminal() {
            return this == REJECTED || this == PUBLISHED || this == GATED_OUT || this == WITHDRAWN;
        }

        /** Whether a submission at this stage may still move to {@code next}. */
        public boolean mayMoveTo(Stage next) {
            return !terminal() || this == PUBLISHED && next == WITHDRAWN;
        }
    }
}
