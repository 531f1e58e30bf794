package dev.medforge.contracts.events;

/**
 * One validated adapter as it enters a composite. {@code privacy} is what its privacy report
 * declared (see {@link PrivacyFigures}); null in events from before ingest passed it on.
 */
public record AdapterRef(
        String submissionId,
        String institution,
        String task,
        String adapterModel,
        String adapterConfig,
        String distilled,
        PrivacyFigures privacy) {

    /** An adapter whose privacy figures are not known (older events, and callers that do not need them). */
    public AdapterRef(String submissionId, String institution, String task, String adapterModel, String adapterConfig,
                      String distilled) {
        this(submissionId, institution, task, adapterModel, adapterConfig, distilled, null);
    }
}
