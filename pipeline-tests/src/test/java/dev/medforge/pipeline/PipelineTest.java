package dev.medforge.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.FileSystemArtifactStore;
import dev.medforge.contracts.events.AdapterRejected;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.CompositeCreated;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.testing.ServiceProcess;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.store.ArtifactModels;
import dev.medforge.ml.store.PipelineFixtures;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The asynchronous core end to end: registry, ingest, merge and eval run from their packaged jars
 * on the real broker and PostgreSQL, sharing one artifact store; the test plays the gateway by
 * storing parts and emitting submitted events. Adapters are random but well formed, so the gate is
 * opened wide here: these tests are about versions, lineage and delivery, not about accuracy.
 */
class PipelineTest {

    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final Map<String, Object> OPEN_GATE = Map.of("maxRegression", 100.0, "maxNewTaskGap", 100.0);
    private static final List<ServiceProcess> SERVICES = new ArrayList<>();
    private static FileSystemArtifactStore store;
    private static String registry;

    /** Each service's incoming channels; the test gives them consumer groups of its own. */
    private static final Map<String, List<String>> CHANNELS = Map.of(
            "registry-service", List.of("submission-status", "composite-evaluated"),
            "adapter-ingest-service", List.of("adapter-submitted"),
            "merge-service", List.of("adapter-validated", "composite-rebase"),
            "eval-service", List.of("composite-created"));

    @BeforeAll
    static void startPipeline() throws Exception {
        Path artifacts = Files.createTempDirectory("pipeline-artifacts-");
        store = new FileSystemArtifactStore(artifacts);
        String run = "pipeline-test-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> shared = new HashMap<>(Map.of("medforge.artifacts.root", artifacts.toString()));
        ServiceProcess registryProcess = ServiceProcess.start("registry-service", isolated(shared, run, "registry-service"));
        SERVICES.add(registryProcess);
        registry = registryProcess.url();
        shared.put("quarkus.rest-client.registry.url", registry);
        for (String service : List.of("adapter-ingest-service", "merge-service", "eval-service")) {
            SERVICES.add(ServiceProcess.start(service, isolated(shared, run, service)));
        }
        awaitPartitionsAssigned(CHANNELS.keySet().stream().map(service -> run + "-" + service).toList());
    }

    /**
     * Fresh consumer groups reading from the end of each topic: the pipeline under test sees only
     * this test's events, neither the backlog of earlier tests nor a running stack's.
     */
    private static Map<String, String> isolated(Map<String, String> shared, String run, String service) {
        Map<String, String> properties = new HashMap<>(shared);
        for (String channel : CHANNELS.get(service)) {
            properties.put("mp.messaging.incoming." + channel + ".group.id", run + "-" + service);
            properties.put("mp.messaging.incoming." + channel + ".auto.offset.reset", "latest");
        }
        return properties;
    }

    /** Reading "from the end" starts at assignment, so nothing may be sent before every group has its partitions. */
    private static void awaitPartitionsAssigned(List<String> groups) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TopicProbe.BOOTSTRAP))) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (true) {
                Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(groups).all().get();
                boolean assigned = described.values().stream().allMatch(group -> group.groupState() == GroupState.STABLE
                        && group.members().stream().anyMatch(member -> !member.assignment().topicPartitions().isEmpty()));
                if (assigned) {
                    return;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("consumer groups not assigned in time: " + described);
                }
                Thread.sleep(500);
            }
        }
    }

    @AfterAll
    static void stopPipeline() {
        SERVICES.forEach(ServiceProcess::close);
    }

    @Test
    void threeInstitutionsInArrivalOrderGiveVersionsOneTwoThreeEachContainingTheEarlierAdapters() throws Exception {
        String branch = fashion3Branch();
        List<AdapterSubmitted> submissions = List.of(
                PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(101)),
                PipelineFixtures.submission(store, branch, TestAdapters.random(PipelineFixtures.BASE, "footwear", 3, 8, 8f, 102)),
                PipelineFixtures.submission(store, branch, TestAdapters.random(PipelineFixtures.BASE, "garments", 3, 8, 8f, 103)));

        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED)) {
            for (int i = 0; i < submissions.size(); i++) {
                int version = i + 1;
                TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", submissions.get(i)));
                ModelPublished event = published.awaitEvent(ModelPublished.class,
                        p -> p.branch().equals(branch) && p.version() == version, WAIT).data();
                assertEquals(List.of(submissions.get(i).submissionId()), event.submissionIds());
                List<String> expected = submissions.subList(0, version).stream().map(AdapterSubmitted::submissionId).toList();
                assertEquals(expected, lineage(event.artifact()), "version " + version + " contains every earlier adapter");
                assertEquals(expected.size(), event.metrics().size(), "every task so far is scored: " + event.metrics());
            }
            assertEquals(List.of(1, 2, 3), publishedVersions(published, branch), "model.published arrives once per version");
            CompositeCreated second = created.awaitEvent(CompositeCreated.class,
                    c -> c.branch().equals(branch) && c.parentVersion() == 1, WAIT).data();
            assertTrue(!second.searchTrace().isEmpty() && second.searchTrace().size() <= 40,
                    "fusion searched (tops, footwear) within the default budget of 40: " + second.searchTrace().size());
            assertTrue(second.searchTrace().stream().flatMap(step -> step.weights().stream()).allMatch(w -> w >= -1.5 && w <= 1.5),
                    "every searched weight stays in [-1.5, 1.5]");
            assertEquals(2, second.coefficients().size());
        }
        given().get(registry + "/internal/branches/{b}/versions", branch).then()
                .statusCode(200)
                .body("version", contains(1, 2, 3));
        given().get(registry + "/internal/branches/{b}/versions/3", branch).then()
                .body("metrics.keySet()", hasItems("tops", "footwear", "garments"));
        given().get(registry + "/internal/submissions/{id}", submissions.get(0).submissionId()).then()
                .statusCode(200)
                .body("stage", org.hamcrest.Matchers.is("PUBLISHED"))
                .body("history.stage", contains("VALIDATED", "MERGED", "EVALUATED", "PUBLISHED"));
    }

    @Test
    void twoAdaptersSubmittedAtTheSameMomentBothReachTheHeadWithoutSkippingOrRepeatingAVersion() throws Exception {
        String branch = fashion3Branch();
        AdapterSubmitted tops = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(201));
        AdapterSubmitted footwear = PipelineFixtures.submission(store, branch,
                TestAdapters.random(PipelineFixtures.BASE, "footwear", 3, 8, 8f, 202));

        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", tops));
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", footwear));

            ModelPublished head = published.awaitEvent(ModelPublished.class,
                    p -> p.branch().equals(branch) && lineage(p.artifact()).size() == 2, WAIT).data();
            assertEquals(Set.of(tops.submissionId(), footwear.submissionId()), Set.copyOf(lineage(head.artifact())));
            List<Integer> versions = publishedVersions(published, branch);
            assertEquals(IntStream.rangeClosed(1, head.version()).boxed().toList(), versions,
                    "versions are numbered 1..n without gaps or repeats (group commit gives 1, a rebase 2)");
        }
    }

    @Test
    void aRedeliveredSubmissionGivesOneVersionAndAPoisonedAdapterLeavesTheHeadWhereItWas() throws Exception {
        String branch = fashion3Branch();
        EventEnvelope<AdapterSubmitted> once = EventEnvelope.wrap("pipeline-test",
                PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(301)));
        Adapter honest = PipelineFixtures.adapter(302);
        Map<String, LoraModule> modules = new LinkedHashMap<>(honest.modules());
        String layer = modules.keySet().iterator().next();
        LoraModule m = modules.get(layer);
        float[] scaled = m.b().clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= 1000;
        }
        modules.put(layer, new LoraModule(m.rank(), m.in(), m.out(), m.a(), scaled, m.scale()));
        AdapterSubmitted poisoned = PipelineFixtures.submission(store, branch, honest.withModules(modules));

        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe rejected = TopicProbe.tail(Topics.ADAPTER_REJECTED)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, once);
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, once);
            published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch), WAIT);

            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", poisoned));
            AdapterRejected rejection = rejected.awaitEvent(AdapterRejected.class,
                    r -> r.submissionId().equals(poisoned.submissionId()), WAIT).data();
            assertEquals("NORM_BOUND", rejection.reasons().get(0).code());
            assertEquals(layer, rejection.reasons().get(0).field());

            Thread.sleep(5_000);
            assertEquals(List.of(1), publishedVersions(published, branch), "the repeat built nothing new");
        }
        given().get(registry + "/internal/branches/{b}", branch).then().body("headVersion", org.hamcrest.Matchers.is(1));
        given().get(registry + "/internal/branches/{b}/versions", branch).then().body("version", contains(1));
    }

    /** A branch with the fashion3 tasks (random evaluation suites) and a gate opened wide. */
    private static String fashion3Branch() {
        String branch = PipelineFixtures.newBranch(store, registry, OPEN_GATE);
        PipelineFixtures.registerTask(registry, branch, "footwear", "hospital-b", 3, PipelineFixtures.storeLabeledImages(store, 3, 20, 5));
        PipelineFixtures.registerTask(registry, branch, "garments", "hospital-c", 3, PipelineFixtures.storeLabeledImages(store, 3, 20, 6));
        return branch;
    }

    /** The submission ids a composite contains, in arrival order, read from the composite file itself. */
    private static List<String> lineage(String artifact) {
        try {
            JsonNode lineage = new ObjectMapper().readTree(new ArtifactModels(store).composite(artifact).lineage());
            List<String> ids = new ArrayList<>();
            lineage.path("members").forEach(member -> ids.add(member.path("submissionId").asText()));
            return ids;
        } catch (Exception e) {
            throw new AssertionError("composite " + artifact + " is unreadable", e);
        }
    }

    private static List<Integer> publishedVersions(TopicProbe published, String branch) {
        return published.seen().stream()
                .map(r -> EventCodec.decode(r.value(), ModelPublished.class).data())
                .filter(p -> p.branch().equals(branch))
                .map(ModelPublished::version)
                .sorted()
                .collect(Collectors.toList());
    }
}
