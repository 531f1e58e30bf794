package dev.medforge.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.VersionDiff;
import dev.medforge.gateway.VersionDiff.Change;
import dev.medforge.gateway.VersionDiff.TaskChange;
import dev.medforge.gateway.client.RegistryClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compares two model cards; the registry keeps every card, so nothing is stored for a diff. */
@ApplicationScoped
public class VersionDiffs {

    private final RegistryClient registry;
    private final ObjectMapper json;

    VersionDiffs(RegistryClient registry, ObjectMapper json) {
        this.registry = registry;
        this.json = json;
    }

    public Uni<VersionDiff> between(String branch, int from, int to) {
        if (from < 1 || to < 1) {
            throw GatewayException.badRequest("OUT_OF_RANGE", from < 1 ? "from" : "to", "versions start at 1");
        }
        return Uni.combine().all().unis(registry.branch(branch), registry.version(branch, from), registry.version(branch, to))
                .asTuple()
                .map(t -> diff(branch, from, to, t.getItem1().path("policy"), t.getItem2(), t.getItem3()));
    }

    VersionDiff diff(String branch, int from, int to, JsonNode policy, JsonNode before, JsonNode after) {
        List<AdapterRef> was = adapters(before);
        List<AdapterRef> is = adapters(after);
        Set<String> wasIds = ids(was);
        Set<String> isIds = ids(is);
        Map<String, Change<Double>> coefficients = new LinkedHashMap<>();
        Set<String> everyone = new LinkedHashSet<>(wasIds);
        everyone.addAll(isIds);
        everyone.forEach(id -> coefficients.put(id, new Change<>(number(before.path("coefficients").path(id)),
                number(after.path("coefficients").path(id)))));
        double maxRegression = policy.path("maxRegression").asDouble();
        Map<String, TaskChange> tasks = new LinkedHashMap<>();
        Set<String> taskNames = new LinkedHashSet<>();
        before.path("metrics").fieldNames().forEachRemaining(taskNames::add);
        after.path("metrics").fieldNames().forEachRemaining(taskNames::add);
        for (String task : taskNames) {
            JsonNode a = before.path("metrics").path(task);
            JsonNode b = after.path("metrics").path(task);
            Change<Double> accuracy = new Change<>(number(a.path("accuracy")), number(b.path("accuracy")));
            Double points = accuracy.from() == null || accuracy.to() == null ? null : 100 * (accuracy.to() - accuracy.from());
            String verdict = accuracy.from() == null ? "new" : accuracy.to() == null ? "dropped"
                    : -points > maxRegression ? "beyond gate" : "within gate";
            tasks.put(task, new TaskChange(accuracy, new Change<>(number(a.path("auc")), number(b.path("auc"))), points, verdict));
        }
        return new VersionDiff(branch, from, to, new Change<>(before.path("strategy").asText(), after.path("strategy").asText()),
                is.stream().filter(r -> !wasIds.contains(r.submissionId())).toList(),
                was.stream().filter(r -> !isIds.contains(r.submissionId())).toList(),
                coefficients, tasks, new VersionDiff.Gate(maxRegression, policy.path("maxNewTaskGap").asDouble()));
    }

    private List<AdapterRef> adapters(JsonNode card) {
        List<AdapterRef> refs = new ArrayList<>();
        for (JsonNode adapter : card.path("adapters")) {
            try {
                refs.add(json.treeToValue(adapter, AdapterRef.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the registry's model card lists an adapter that is not an AdapterRef: " + adapter, e);
            }
        }
        return refs;
    }

    private static Set<String> ids(List<AdapterRef> refs) {
        Set<String> ids = new LinkedHashSet<>();
        refs.forEach(r -> ids.add(r.submissionId()));
        return ids;
    }

    private static Double number(JsonNode node) {
        return node.isNumber() ? node.asDouble() : null;
    }
}
