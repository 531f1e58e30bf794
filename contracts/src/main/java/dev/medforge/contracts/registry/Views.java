package dev.medforge.contracts.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.events.WorkTime;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The registry's views: what its internal API returns, what the pipeline services read of it, and what the
 * gateway shows its callers. One set of records, so the registry, the services and the public OpenAPI
 * document cannot drift apart.
 */
public final class Views {

    private Views() {
    }

    public record Policy(String strategy, double maxRegression, double maxNewTaskGap, int rankLimit, double normBound,
                         double maxMembershipAuc, double minNearestRealRatio, int maxDistilledPerClass, boolean privacyAuditRequired) {
    }

    /** Where a fork came from: the source branch and the published version it started at. */
    public record ForkPoint(String branch, int version) {
    }

    /** {@code forkedFrom} is null for a branch on a bare base model. */
    public record BranchView(String id, String baseModel, String baseModelDigest, String baseModelArchitecture, Policy policy, int headVersion,
                             String headCompositeId, ForkPoint forkedFrom, Instant createdAt) {
    }

    public record TaskView(String branch, String name, String institution, List<String> classNames,
                           String evaluationSuite, Instant createdAt) {
    }

    /** See {@link ModelCard} for {@code supersededBy}, {@code unavailable} and {@code work}. */
    public record VersionView(String branch, int version, String compositeId, String artifact, String strategy,
                              Map<String, TaskMetrics> metrics, Instant publishedAt, List<Supersession> supersededBy,
                              Unavailability unavailable, WorkTime work) {
    }

    /**
     * A newer version that no longer holds one of this version's contributions: {@code version}
     * omits {@code submissionId} of {@code institution}, withdrawn and published at {@code at}.
     */
    public record Supersession(int version, String submissionId, String institution, Instant at) {
    }

    /** An operator took the version's download away: when, who, and why. */
    public record Unavailability(Instant at, String by, String reason) {
    }

    /**
     * A model card: scores per task, how it was merged, and its lineage down to submissions and
     * institutions. {@code adapters} is every adapter the version contains, in arrival order;
     * {@code added} the submissions this version brought in. {@code taskCoefficients} are a mixture's
     * weight rows (task → submission → weight): which members serve each task, and how much. On a
     * fork, every version's lineage starts at {@code forkedFrom}, whose adapters its version 1 lists
     * as added. {@code withdrawn} lists the contributions taken out at or before this version, with who
     * asked and when; {@code adapters} no longer holds them. {@code supersededBy} lists the later
     * withdrawals of contributions this version still holds: it is superseded for download by the
     * versions they name. {@code unavailable} is null while the version can be downloaded.
     * {@code baseModel} and {@code tasks} say how to run and score it outside MedForge: the base's
     * architecture with its conventions, and each served task's class names in head row order.
     * {@code work} is what the version cost, the work time of its merge and of its evaluation without
     * queue waits; null for a version published before the registry kept it, and for a fork's version 1.
     */
    public record ModelCard(String branch, int version, int parentVersion, String compositeId, String artifact,
                            String strategy, Map<String, TaskMetrics> metrics, Map<String, Double> coefficients,
                            Map<String, Map<String, Double>> taskCoefficients,
                            List<AdapterRef> adapters, List<String> added, List<String> institutions, ForkPoint forkedFrom,
                            List<WithdrawalView> withdrawn, List<Supersession> supersededBy, Unavailability unavailable,
                            Instant publishedAt, BaseModelView baseModel, List<TaskView> tasks, WorkTime work) {
    }

    /**
     * What the registry made of one composite, published or not: {@code decision} names a
     * {@code PublishDecision}; {@code reasons} are the gate's where they are why it was not published
     * (FALLBACK, SPLIT, GATED_OUT), else null. {@code adapters} counts the adapters it added and
     * {@code tasks} names their tasks; a composite that only withdraws has none.
     */
    public record DecisionView(String compositeId, int parentVersion, String strategy, String decision, String reasons, int adapters,
                               List<String> tasks, Instant decidedAt) {
    }

    /** A base model as a card names it; {@code architecture} is the JSON object ml-core wrote, not a string. */
    public record BaseModelView(String id, String digest, JsonNode architecture) {
    }

    /**
     * A withdrawal request and what came of it: {@code state} PENDING, PUBLISHED (from {@code version}
     * on) or GATED_OUT (with the gate's reasons). {@code requesterInstitution} is null for an operator.
     */
    public record WithdrawalView(String branch, String submissionId, String institution, String task, String requestedBy,
                                 String requesterInstitution, Instant requestedAt, String state, Integer version, String gateReasons) {
    }
}
