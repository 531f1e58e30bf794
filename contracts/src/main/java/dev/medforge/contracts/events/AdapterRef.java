package dev.medforge.contracts.events;

/** One validated adapter as it enters a composite. */
public record AdapterRef(
        String submissionId,
        String institution,
        String task,
        String adapterModel,
        String adapterConfig,
        String distilled) {
}
