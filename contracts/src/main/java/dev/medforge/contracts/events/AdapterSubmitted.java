package dev.medforge.contracts.events;

import java.util.Map;

/**
 * An institution pushed an adapter. Only digests travel: the bytes wait in the artifact store.
 * The task head is part of {@code adapterModel}, the way PEFT stores {@code modules_to_save}.
 *
 * @param manifest the institution's manifest as submitted; free text in it is scanned for PHI
 */
public record AdapterSubmitted(
        String submissionId,
        String institution,
        String branch,
        String task,
        SubmittedArtifacts artifacts,
        Map<String, Object> manifest) implements EventData {

    /** {@code sha256:<hex>} digests of the parts of one submission. */
    public record SubmittedArtifacts(
            String adapterConfig,
            String adapterModel,
            String distilled,
            String privacyReport) {
    }
}
