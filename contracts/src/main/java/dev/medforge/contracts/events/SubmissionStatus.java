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
        RECEIVED, VALIDATED, REJECTED, MERGED, EVALUATED, PUBLISHED, GATED_OUT;

        /** A submission in a terminal stage will not move again. */
        public boolean terminal() {
            return this == REJECTED || this == PUBLISHED || this == GATED_OUT;
        }
    }
}
