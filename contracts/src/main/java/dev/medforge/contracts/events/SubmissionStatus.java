package dev.medforge.contracts.events;

import java.util.Collection;
import java.util.List;

/** A submission reached a stage; the gateway forwards it to the submitting institution only. */
public record SubmissionStatus(
        String submissionId,
        String institution,
        String branch,
        Stage stage,
        String detail) implements EventData {

    /** What a stage reached by {@code adapter}'s submission on {@code branch} tells its institution. */
    public static SubmissionStatus of(AdapterRef adapter, String branch, Stage stage, String detail) {
        return new SubmissionStatus(adapter.submissionId(), adapter.institution(), branch, stage, detail);
    }

    /** One status per adapter of a composite, all at the same stage: a composite's fate is each of its submissions'. */
    public static List<SubmissionStatus> ofEach(Collection<AdapterRef> adapters, String branch, Stage stage, String detail) {
        return adapters.stream().map(a -> of(a, branch, stage, detail)).toList();
    }

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
