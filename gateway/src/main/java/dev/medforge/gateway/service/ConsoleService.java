package dev.medforge.gateway.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.DecisionView;
import dev.medforge.contracts.registry.Views.ModelCard;
import dev.medforge.contracts.registry.Views.VersionView;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.MergeWorkers;
import dev.medforge.gateway.Notification;
import dev.medforge.gateway.config.GatewayConfig;
import io.quarkus.qute.TemplateData;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * Shapes what the registry and the gateway's own services already know into what the console's
 * pages show. It decides nothing itself: who may see what stays with the registry's views, the
 * notification hub's audience rule and the resources' roles.
 */
@ApplicationScoped
public class ConsoleService {

    /** Versions whose model cards one branch page reads for its lineage; older ones are left out of the graph. */
    static final int LINEAGE_VERSIONS = 30;

    /** The decisions the lineage counts, in the order their marks are drawn, with the words after each count; the legend says why. */
    private static final List<Map.Entry<String, String>> COUNTED = List.of(
            Map.entry("REBASE", "rebased"),
            Map.entry("FALLBACK", "fell back"),
            Map.entry("SPLIT", "split"),
            Map.entry("NOT_OWNED", "not owned"));

    /** Characters of gate reasons a line under a node holds, about the width of a column of the graph, before it wraps. */
    static final int REASON_LINE = 30;

    private final RegistryClient registry;
    private final NotificationHub hub;
    private final ObjectMapper json;
    private final MergeWorkerService mergeWorkers;
    private final DeadLetterService deadLetters;
    private final SmallRyeHealthReporter health;
    private final GatewayConfig config;
    private final StageTimings timings;
    private final PartHealth parts = new PartHealth();

    ConsoleService(@RestClient RegistryClient registry, NotificationHub hub, ObjectMapper json, MergeWorkerService mergeWorkers,
                   DeadLetterService deadLetters, SmallRyeHealthReporter health, GatewayConfig config, StageTimings timings) {
        this.registry = registry;
        this.hub = hub;
        this.json = json;
        this.mergeWorkers = mergeWorkers;
        this.deadLetters = deadLetters;
        this.health = health;
        this.config = config;
        this.timings = timings;
    }

    /** A row of the branches page; {@code institutions} is how many institutions the head holds contributions of. */
    @TemplateData
    public record BranchRow(String id, String baseModel, int headVersion, String strategy, Map<String, Object> policy, int institutions) {
    }

    /** One version in the lineage: what it added and took out, whether it fell back from the policy's strategy, and its {@link Mark}s. */
    @TemplateData
    public record LineageNode(int position, int version, String strategy, boolean fallback, List<String> added, List<String> withdrawn,
                              boolean unavailable, Instant publishedAt, List<Mark> marks) {

        /** Horizontal spacing of the lineage graph, in SVG units. */
        static final int STEP = 180;

        public int x() {
            return x(position);
        }

        static int x(int position) {
            return 70 + position * STEP;
        }

        /** The arrow to the next version starts at this node's edge and ends at the next one's. */
        public int arrowFrom() {
            return x() + 18;
        }

        public int arrowTo() {
            return x() + STEP - 22;
        }

        /** Text lines drawn under the node. */
        int lines() {
            return added.size() + withdrawn.size() + Mark.lines(marks);
        }
    }

    /**
     * What the registry decided on a version without publishing it as the next one, drawn under that
     * next version: {@code kind} is the decision as a CSS class (rebase, fallback, split, gated-out,
     * not-owned), {@code words} what and how many; {@code reasons} a gated-out composite's gate
     * reasons wrapped to the column, one line each, and empty for the others.
     */
    @TemplateData
    public record Mark(String kind, String words, List<String> reasons) {

        static int lines(List<Mark> marks) {
            return marks.stream().mapToInt(m -> 1 + m.reasons.size()).sum();
        }
    }

    /** The version the head's unpublished {@link Mark}s wait for, drawn after the last node. */
    @TemplateData
    public record NextVersion(int position, int version, List<Mark> marks) {

        public int x() {
            return LineageNode.x(position);
        }
    }

    /**
     * Everything one branch page shows. {@code chart} is the metric series as JSON, drawn by the page's
     * script; {@code next} is null while nothing was decided on the head.
     */
    @TemplateData
    public record BranchPage(Map<String, Object> branch, List<Map<String, Object>> versions, List<LineageNode> lineage,
                             NextVersion next, Map<String, Object> head, String chart) {

        public int lineageWidth() {
            return 60 + (lineage.size() + (next == null ? 0 : 1)) * LineageNode.STEP;
        }

        /** Tall enough for the longest column of lines under a node, each 16 units below the strategy's. */
        public int lineageHeight() {
            int lines = Math.max(lineage.stream().mapToInt(LineageNode::lines).max().orElse(0), next == null ? 0 : Mark.lines(next.marks()));
            return Math.max(220, 100 + 16 * lines);
        }
    }

    /**
     * What each stage means to the institution that submitted, in plain words; the pipeline's own
     * reason (the status's detail, e.g. the rule a rejection broke) follows it on the page.
     */
    static final Map<SubmissionStatus.Stage, String> MEANINGS = new EnumMap<>(Map.of(
            SubmissionStatus.Stage.RECEIVED, "received by the gateway, waiting for ingest's checks",
            SubmissionStatus.Stage.VALIDATED, "passed ingest's checks, waiting to be merged",
            SubmissionStatus.Stage.REJECTED, "refused by the checks; it will not be merged",
            SubmissionStatus.Stage.MERGED, "merged into a candidate model, waiting for its evaluation",
            SubmissionStatus.Stage.EVALUATED, "the candidate was scored, waiting for the gate",
            SubmissionStatus.Stage.PUBLISHED, "part of a published version",
            SubmissionStatus.Stage.GATED_OUT, "the candidate with it failed the gate; it was not published",
            SubmissionStatus.Stage.WITHDRAWN, "taken out of the branch; later versions omit it"));

    /** A submission of the caller's institution with its stages, oldest first. */
    @TemplateData
    public record SubmissionRow(String submissionId, String branch, String stage, String meaning, String detail, List<Step> history) {
    }

    /**
     * The operations page: the health report as {@code /q/health} gives it, the readiness of every
     * other part ({@link PartHealth}), the merge and eval
     * consumer groups' lag, the queue waits and stage times ({@link StageTimings}), and the number of
     * records on each pipeline topic's DLQ.
     */
    @TemplateData
    public record Operations(String health, List<Map<String, String>> checks, List<PartHealth.Part> parts,
                             List<ConsumerLag> consumers, StageTimings.Report timings, Map<String, Long> deadLetters) {
    }

    /** A consumer group's members and lag; {@code group} null, with {@code missing} saying why, before anyone joined it. */
    @TemplateData
    public record ConsumerLag(String service, String id, MergeWorkers group, String missing) {
    }

    @TemplateData
    public record Step(String stage, String detail, Instant at) {
    }

    /** Who is signed in, as the pages show it and decide their menu on; the resources' roles decide what opens. */
    @TemplateData
    public record Viewer(String name, String institution, boolean contributor, boolean operator) {

        public static Viewer of(Caller caller) {
            return new Viewer(caller.name(), caller.institution().orElse(""), caller.roles().contains(Caller.CONTRIBUTOR),
                    caller.isOperator());
        }
    }

    /** Branches per page of the branches list: each head's card is read for its institutions. */
    public static final int BRANCHES_PER_PAGE = 50;

    /** One page of branches, newest first, and how many pages there are. */
    @TemplateData
    public record BranchList(List<BranchRow> rows, int page, int pages) {

        public boolean hasPrevious() {
            return page > 1;
        }

        public boolean hasNext() {
            return page < pages;
        }

        public int previous() {
            return page - 1;
        }

        public int next() {
            return page + 1;
        }
    }

    public Uni<BranchList> branches(int page) {
        return registry.branches(null, null).flatMap(all -> {
            List<BranchView> branches = new ArrayList<>(all.getEntity());
            branches.sort(Comparator.comparing((BranchView b) -> Objects.requireNonNullElse(b.createdAt(), Instant.EPOCH)).reversed());
            int pages = Math.max(1, (branches.size() + BRANCHES_PER_PAGE - 1) / BRANCHES_PER_PAGE);
            int shown = Math.min(Math.max(page, 1), pages);
            List<Uni<BranchRow>> rows = new ArrayList<>();
            for (BranchView b : branches.subList((shown - 1) * BRANCHES_PER_PAGE, Math.min(branches.size(), shown * BRANCHES_PER_PAGE))) {
                int head = b.headVersion();
                Uni<Integer> institutions = head < 1 ? Uni.createFrom().item(0)
                        : registry.version(b.id(), head).map(card -> card.institutions().size());
                rows.add(institutions.map(n -> new BranchRow(b.id(), b.baseModel(), head, b.policy().strategy(), map(b.policy()), n)));
            }
            Uni<List<BranchRow>> read = rows.isEmpty() ? Uni.createFrom().item(List.<BranchRow>of())
                    : Uni.join().all(rows).andFailFast().map(List::copyOf);
            return read.map(list -> new BranchList(list, shown, pages));
        });
    }

    public Uni<BranchPage> branch(String id) {
        Uni<List<VersionView>> allVersions = registry.versions(id, null, null).map(RestResponse::getEntity);
        return Uni.combine().all().unis(registry.branch(id), allVersions, registry.decisions(id)).asTuple().flatMap(t -> {
            BranchView branch = t.getItem1();
            List<DecisionView> decisions = t.getItem3();
            List<VersionView> versions = new ArrayList<>(t.getItem2());
            versions.sort(Comparator.comparingInt(VersionView::version));
            List<VersionView> recent = versions.subList(Math.max(0, versions.size() - LINEAGE_VERSIONS), versions.size());
            NextVersion next = next(recent.size(), branch.headVersion(), decisions);
            if (recent.isEmpty()) {
                return Uni.createFrom().item(new BranchPage(map(branch), maps(versions), List.of(), next, null, chart(branch, versions)));
            }
            List<Uni<ModelCard>> cards = recent.stream().map(v -> registry.version(id, v.version())).toList();
            return Uni.join().all(cards).andFailFast().map(read -> {
                List<LineageNode> lineage = IntStream.range(0, read.size())
                        .mapToObj(i -> lineage(i, branch, read.get(i), decisions)).toList();
                return new BranchPage(map(branch), maps(versions), lineage, next, map(read.get(read.size() - 1)), chart(branch, versions));
            });
        });
    }

    /** {@link #MEANINGS} as JSON, for the page's script to word the statuses that arrive live. */
    public String meanings() {
        ObjectNode meanings = json.createObjectNode();
        MEANINGS.forEach((stage, words) -> meanings.put(stage.name(), words));
        return scriptJson(meanings);
    }

    /**
     * Blocking: it asks the broker and runs every health check. The parts' readiness and metrics are
     * asked first and all at once, so a part that hangs costs one timeout, not one per question.
     */
    public Operations operations() throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<List<PartHealth.Part>> readiness = parts.probeAsync(config.parts());
        CompletableFuture<StageTimings.Report> stageTimes = timings.readAsync();
        Map<String, Long> dlq = deadLetters.counts();
        List<ConsumerLag> consumers = List.of(lag("merge", config.mergeWorkersGroup()), lag("eval", config.evalGroup()));
        JsonObject report = health.getHealth().getPayload();
        List<Map<String, String>> checks = report.getJsonArray("checks").stream().map(JsonObject.class::cast)
                .map(c -> Map.of("name", c.getString("name"), "status", c.getString("status"))).toList();
        return new Operations(report.getString("status"), checks, readiness.join(), consumers, stageTimes.join(), dlq);
    }

    private ConsumerLag lag(String service, String group) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return new ConsumerLag(service, group, mergeWorkers.describe(group), null);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
            return new ConsumerLag(service, group, null, "no " + service + " consumer has joined group " + group + " yet");
        }
    }

    /** JSON for a page's {@code <script type="application/json">} block, which a "</" in a value must not end early. */
    private static String scriptJson(JsonNode node) {
        return node.toString().replace("<", "\\u003c");
    }

    /** Templates read maps and lists; the registry's views keep the shape they have in the API. */
    private Map<String, Object> map(Object view) {
        return json.convertValue(view, new TypeReference<Map<String, Object>>() { });
    }

    private List<Map<String, Object>> maps(List<?> views) {
        return views.stream().map(this::map).toList();
    }

    static LineageNode lineage(int position, BranchView branch, ModelCard card, List<DecisionView> decisions) {
        Map<String, String> bySubmission = new LinkedHashMap<>();
        card.adapters().forEach(a -> bySubmission.put(a.submissionId(), a.institution() + " · " + a.task()));
        List<String> added = card.added().stream().map(s -> bySubmission.getOrDefault(s, s)).toList();
        List<String> withdrawn = card.withdrawn().stream().map(w -> w.institution() + " · " + w.task()).toList();
        return new LineageNode(position, card.version(), card.strategy(), !card.strategy().equalsIgnoreCase(branch.policy().strategy()),
                added, withdrawn, card.unavailable() != null, card.publishedAt(), marks(card.version() - 1, decisions));
    }

    /** What waits on the head for the next version, at {@code position} after the last node; null when nothing does. */
    static NextVersion next(int position, int headVersion, List<DecisionView> decisions) {
        List<Mark> marks = marks(headVersion, decisions);
        return marks.isEmpty() ? null : new NextVersion(position, headVersion + 1, marks);
    }

    /**
     * The marks of the composites decided on {@code parentVersion} that were not published: one a kind
     * with its count, and one a gated-out composite, naming its tasks with the gate's reasons, since
     * each of those is a contribution that ended there.
     */
    static List<Mark> marks(int parentVersion, List<DecisionView> decisions) {
        Map<String, Integer> counts = new HashMap<>();
        List<Mark> gatedOut = new ArrayList<>();
        for (DecisionView d : decisions) {
            if (d.parentVersion() != parentVersion) {
                continue;
            }
            String decision = d.decision();
            if (decision.equals("GATED_OUT")) {
                // A composite that only withdraws adds no adapter, so it has no task to name.
                List<String> tasks = d.tasks();
                List<String> reasons = new ArrayList<>();
                // The registry joins the gate's reasons with "; ": each starts a line of its own.
                for (String reason : Objects.requireNonNullElse(d.reasons(), "").split("; ")) {
                    reasons.addAll(wrap(reason, REASON_LINE));
                }
                gatedOut.add(new Mark(kind(decision), "gated out: " + (tasks.isEmpty() ? "a withdrawal" : String.join(", ", tasks)), reasons));
            } else {
                counts.merge(decision, 1, Integer::sum);
            }
        }
        List<Mark> marks = new ArrayList<>();
        for (Map.Entry<String, String> counted : COUNTED) {
            if (counts.containsKey(counted.getKey())) {
                marks.add(new Mark(kind(counted.getKey()), counts.get(counted.getKey()) + " " + counted.getValue(), List.of()));
            }
        }
        marks.addAll(gatedOut);
        return marks;
    }

    /** {@code text} in lines of at most {@code width} characters, broken between words; a longer word has a line of its own. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** A decision as the page's CSS class: GATED_OUT is gated-out. */
    private static String kind(String decision) {
        return decision.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Accuracy and AUC per task across versions, and the gate's accuracy limit for the next version:
     * the head's accuracy less the policy's maxRegression (in points), the rule {@link VersionDiffs} applies.
     */
    String chart(BranchView branch, List<VersionView> versions) {
        ObjectNode chart = json.createObjectNode();
        versions.forEach(v -> chart.withArray("versions").add(v.version()));
        ObjectNode tasks = chart.putObject("tasks");
        for (int i = 0; i < versions.size(); i++) {
            int at = i;
            versions.get(i).metrics().forEach((name, metrics) -> {
                ObjectNode task = tasks.has(name) ? (ObjectNode) tasks.get(name) : tasks.putObject(name);
                for (Map.Entry<String, Double> metric : Map.of("accuracy", metrics.accuracy(), "auc", metrics.auc()).entrySet()) {
                    while (task.withArray(metric.getKey()).size() < at) {
                        task.withArray(metric.getKey()).addNull();
                    }
                    task.withArray(metric.getKey()).add(metric.getValue());
                }
            });
        }
        double maxRegression = branch.policy().maxRegression();
        chart.put("maxRegression", maxRegression);
        ObjectNode gate = chart.putObject("gate");
        if (!versions.isEmpty()) {
            versions.get(versions.size() - 1).metrics().forEach((name, metrics) -> gate.put(name, metrics.accuracy() - maxRegression / 100));
        }
        return scriptJson(chart);
    }

    /**
     * The caller's institution's submissions the gateway has heard of (the status topic's recent
     * history and everything since it started), newest first. The hub's audience rule is what keeps
     * another institution's submissions out.
     */
    public List<SubmissionRow> submissions(Caller caller) {
        Map<String, List<SubmissionStatus>> bySubmission = new LinkedHashMap<>();
        Map<String, List<Step>> steps = new LinkedHashMap<>();
        for (Notification n : hub.history(caller)) {
            if (Notification.SUBMISSION_STATUS.equals(n.name()) && n.event().data() instanceof SubmissionStatus status) {
                bySubmission.computeIfAbsent(status.submissionId(), k -> new ArrayList<>()).add(status);
                steps.computeIfAbsent(status.submissionId(), k -> new ArrayList<>())
                        .add(new Step(status.stage().name(), status.detail(), n.event().time()));
            }
        }
        List<SubmissionRow> rows = new ArrayList<>();
        steps.forEach((id, history) -> {
            history.sort(Comparator.comparing(Step::at));
            Step last = history.get(history.size() - 1);
            rows.add(new SubmissionRow(id, bySubmission.get(id).get(0).branch(), last.stage(),
                    MEANINGS.get(SubmissionStatus.Stage.valueOf(last.stage())), last.detail(), history));
        });
        rows.sort(Comparator.comparing((SubmissionRow r) -> r.history().get(0).at()).reversed());
        return rows;
    }
}
