package dev.medforge.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.FileSystemArtifactStore;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.AdapterRejected;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.AdapterValidated;
import dev.medforge.contracts.events.CompositeCreated;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.CompositeRebase;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.messaging.DeadLetters;
import dev.medforge.contracts.testing.Broker;
import dev.medforge.contracts.testing.GroupsAtEnd;
import dev.medforge.contracts.testing.ServiceProcess;
import dev.medforge.contracts.testing.SseStream;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.distill.DistilledSetIO;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.store.ArtifactModels;
import dev.medforge.ml.store.PipelineFixtures;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.medforge.contracts.testing.ServiceIdentity.GATEWAY;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The asynchronous core end to end: registry, ingest, merge and eval run from their packaged jars
 * on the real broker and PostgreSQL, sharing one artifact store. Most tests play the gateway by
 * storing parts and emitting submitted events; one starts the gateway jar too and goes through it
 * with real Keycloak tokens. Adapters are random but well formed, so the gate is opened wide where a
 * test is about versions, lineage and delivery; the gate test builds its adapters to fail it.
 */
class PipelineTest {

    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final Map<String, Object> OPEN_GATE = Map.of("maxRegression", 100.0, "maxNewTaskGap", 100.0);
    private static final List<ServiceProcess> SERVICES = new ArrayList<>();
    private static EventsOnTheWire wire;
    /** The registry and the consumers that call it, for the fault drills. */
    private static ServiceProcess registryProcess;
    private static final Map<String, ServiceProcess> CALLERS = new HashMap<>();
    private static FileSystemArtifactStore store;
    private static String registry;
    /** The shared artifact store and every file a test writes: removed once the services have stopped. */
    @TempDir
    static Path scratch;
    private static Path artifacts;
    private static String run;
    /** Started by the first test that needs it: the other tests do without Keycloak. */
    private static String gateway;
    private static Map<String, Object> baseModel;

    /** Each service's incoming channels and their topics; the test gives them consumer groups of its own. */
    private static final Map<String, Map<String, String>> CHANNELS = Map.of(
            "registry-service", Map.of("submission-status", Topics.SUBMISSION_STATUS, "composite-evaluated", Topics.COMPOSITE_EVALUATED),
            "adapter-ingest-service", Map.of("adapter-submitted", Topics.ADAPTER_SUBMITTED),
            "merge-service", Map.of("adapter-validated", Topics.ADAPTER_VALIDATED, "composite-rebase", Topics.COMPOSITE_REBASE),
            "eval-service", Map.of("composite-created", Topics.COMPOSITE_CREATED),
            "gateway", Map.of("model-published", Topics.MODEL_PUBLISHED, "submission-status-in", Topics.SUBMISSION_STATUS));

    /** The topics the services under test consume; whoever else consumes them would answer for this test's events too. */
    private static final List<String> PIPELINE_INPUTS = List.of(Topics.ADAPTER_SUBMITTED, Topics.ADAPTER_VALIDATED,
            Topics.COMPOSITE_CREATED, Topics.COMPOSITE_EVALUATED, Topics.COMPOSITE_REBASE);

    @BeforeAll
    static void startPipeline() throws Exception {
        requireNoOtherPipeline();
        wire = new EventsOnTheWire();
        artifacts = Files.createDirectory(scratch.resolve("artifacts"));
        store = new FileSystemArtifactStore(artifacts);
        run = "pipeline-test-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> shared = new HashMap<>(Map.of("medforge.artifacts.root", artifacts.toString()));
        registryProcess = ServiceProcess.start("registry-service", isolated(shared, run, "registry-service"));
        SERVICES.add(registryProcess);
        registry = registryProcess.url();
        shared.put("quarkus.rest-client.registry.url", registry);
        for (String service : List.of("adapter-ingest-service", "merge-service", "eval-service")) {
            ServiceProcess process = ServiceProcess.start(service, isolated(shared, run, service));
            SERVICES.add(process);
            CALLERS.put(service, process);
        }
        awaitPartitionsAssigned(List.of("registry-service", "adapter-ingest-service", "merge-service", "eval-service").stream()
                .map(service -> run + "-" + service).toList());
    }

    /**
     * The gateway from its jar in front of the running pipeline: the same artifact store, the
     * registry started above, and the local Keycloak as issuer (MEDFORGE_OIDC_ISSUER, inherited).
     */
    private static String gateway() throws Exception {
        if (gateway == null) {
            GroupsAtEnd.start(run + "-gateway-webhooks", Set.of(Topics.MODEL_PUBLISHED));
            ServiceProcess process = ServiceProcess.start("gateway", isolated(gatewayProperties(), run, "gateway"));
            SERVICES.add(process);
            awaitPartitionsAssigned(List.of(run + "-gateway", run + "-gateway-webhooks"));
            gateway = process.url();
        }
        return gateway;
    }

    /**
     * What every gateway of this run shares: the webhook deliveries' group (all gateways share one, so
     * each event goes to one of them) and the tests' webhook receiver host, 127.0.0.2, let through the
     * address guard. The streams' groups stay each instance's own.
     */
    private static Map<String, String> gatewayProperties() {
        return new HashMap<>(Map.of("medforge.artifacts.root", artifacts.toString(),
                "quarkus.rest-client.registry.url", registry,
                "mp.messaging.incoming.webhook-deliveries.group.id", run + "-gateway-webhooks",
                "medforge.gateway.webhooks.allowed-internal-hosts", WEBHOOK_RECEIVER_HOST));
    }

    /**
     * Fresh consumer groups whose offsets start committed at the end of each topic: the pipeline
     * under test sees only this test's events, neither the backlog of earlier tests nor a running
     * stack's, and a service the fault drills restart goes on where its group left off.
     */
    private static Map<String, String> isolated(Map<String, String> shared, String run, String service) {
        GroupsAtEnd.start(run + "-" + service, Set.copyOf(CHANNELS.get(service).values()));
        return joining(shared, run, service);
    }

    /** The properties of a further instance of {@code service}: it joins the groups {@link #isolated} made, where they are. */
    private static Map<String, String> joining(Map<String, String> shared, String run, String service) {
        Map<String, String> properties = new HashMap<>(shared);
        for (String channel : CHANNELS.get(service).keySet()) {
            properties.put("mp.messaging.incoming." + channel + ".group.id", run + "-" + service);
        }
        return properties;
    }

    /**
     * Another pipeline on the same broker (a stack from {@code ./medforge up}, or a service's own
     * tests) would take this test's events as well, with another artifact store and registry: its
     * ingest rejects them as ARTIFACT_MISSING, its registry relays this registry's outbox a second
     * time. That makes every test here fail in confusing ways, so say it once, plainly.
     */
    private static void requireNoOtherPipeline() throws Exception {
        try (Admin admin = Admin.create(Broker.asAdmin(Map.of()))) {
            List<String> active = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                    .filter(g -> g.groupState().map(state -> state != GroupState.EMPTY && state != GroupState.DEAD).orElse(true))
                    .map(GroupListing::groupId)
                    .toList();
            List<String> others = admin.describeConsumerGroups(active).all().get().values().stream()
                    .filter(group -> group.members().stream().anyMatch(member -> member.assignment().topicPartitions().stream()
                            .anyMatch(partition -> PIPELINE_INPUTS.contains(partition.topic()))))
                    .map(group -> group.groupId() + " (" + group.members().size() + " member(s))")
                    .toList();
            if (!others.isEmpty()) {
                throw new IllegalStateException("other consumers of " + PIPELINE_INPUTS + " are running: " + others
                        + ". They would process this test's events too, with another artifact store and registry. Stop them"
                        + " (a stack from ./medforge up: ./medforge down) and run again.");
            }
        }
    }

    /** Reading "from the end" starts at assignment, so nothing may be sent before every group has its partitions. */
    private static void awaitPartitionsAssigned(List<String> groups) throws Exception {
        awaitPartitionsAssigned(groups, 1);
    }

    /** Waits until each of {@code groups} is stable with at least {@code members} members holding partitions. */
    private static void awaitPartitionsAssigned(List<String> groups, int members) throws Exception {
        try (Admin admin = Admin.create(Broker.asAdmin(Map.of()))) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (true) {
                Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(groups).all().get();
                boolean assigned = described.values().stream().allMatch(group -> group.groupState() == GroupState.STABLE
                        && group.members().stream().filter(member -> !member.assignment().topicPartitions().isEmpty()).count() >= members);
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
        try (EventsOnTheWire events = wire) {
            List<String> violations = events.violations();
            assertTrue(violations.isEmpty(), "events that break their topic's JSON Schema:\n" + String.join("\n", violations));
        }
    }

    @Test
    void threeInstitutionsInArrivalOrderGiveVersionsOneTwoThreeEachContainingTheEarlierAdapters() throws Exception {
        String branch = fashion3Branch();
        List<AdapterSubmitted> submissions = threeInstitutions(branch, 101);

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
        given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}/versions", branch).then()
                .statusCode(200)
                .body("version", contains(1, 2, 3));
        given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}/versions/3", branch).then()
                .body("metrics.keySet()", hasItems("tops", "footwear", "garments"));
        given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/submissions/{id}", submissions.get(0).submissionId()).then()
                .statusCode(200)
                .body("stage", org.hamcrest.Matchers.is("PUBLISHED"))
                .body("history.stage", contains("VALIDATED", "MERGED", "EVALUATED", "PUBLISHED"));
    }

    @Test
    void twoAdaptersSubmittedAtTheSameMomentBothReachTheHeadWithoutSkippingOrRepeatingAVersion() throws Exception {
        String branch = fashion3Branch();
        AdapterSubmitted tops = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(201));
        AdapterSubmitted footwear = submission("hospital-b", branch, TestAdapters.random(PipelineFixtures.BASE, "footwear", 3, 8, 8f, 202));

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

    /**
     * Issue 12: a burst to one branch. N adapters (6 here; -Dmedforge.burst.adapters=N), each for a
     * task of its own, from the realm's three institutions in turn, one every -Dmedforge.burst.spacing-ms (1500). Every
     * submission must end PUBLISHED, and every version must hold every earlier published one. What a
     * run costs (merges, rebases, composites sent on unscored, the time until the last one is
     * published) is printed for the benchmark note, not asserted: it depends on the machine.
     */
    @Test
    void aBurstOfAdaptersToOneBranchIsAllPublishedAndEveryVersionHoldsTheEarlierOnes() throws Exception {
        int n = Integer.getInteger("medforge.burst.adapters", 6);
        long spacing = Long.getLong("medforge.burst.spacing-ms", 1500);
        String branch = PipelineFixtures.newBranch(store, registry, OPEN_GATE);
        List<AdapterSubmitted> burst = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String task = "task-" + i;
            // The realm's three institutions in turn: a task's owner is a real user now (issue 9).
            String institution = "hospital-" + (char) ('a' + i % 3);
            PipelineFixtures.registerTask(registry, branch, task, institution, 3, PipelineFixtures.storeLabeledImages(store, 3, 20, 700 + i));
            burst.add(submission(institution, branch, TestAdapters.random(PipelineFixtures.BASE, task, 3, 8, 8f, 710 + i)));
        }

        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED);
             TopicProbe evaluated = TopicProbe.tail(Topics.COMPOSITE_EVALUATED);
             TopicProbe rebases = TopicProbe.tail(Topics.COMPOSITE_REBASE)) {
            long start = System.nanoTime();
            Instant started = Instant.now();
            for (AdapterSubmitted submission : burst) {
                TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", submission));
                Thread.sleep(spacing);
            }
            Set<String> ids = burst.stream().map(AdapterSubmitted::submissionId).collect(Collectors.toSet());
            ModelPublished last = published.awaitEvent(ModelPublished.class,
                    p -> p.branch().equals(branch) && Set.copyOf(lineage(p.artifact())).containsAll(ids), Duration.ofMinutes(15)).data();
            Instant lastPublished = Instant.now();
            double seconds = (System.nanoTime() - start) / 1e9;

            List<ModelPublished> versions = published.seen().stream()
                    .map(r -> EventCodec.decode(r.value(), ModelPublished.class).data())
                    .filter(p -> p.branch().equals(branch) && p.version() <= last.version())
                    .toList();
            assertEquals(IntStream.rangeClosed(1, last.version()).boxed().toList(), versions.stream().map(ModelPublished::version).toList());
            List<String> earlier = new ArrayList<>();
            for (ModelPublished version : versions) {
                List<String> members = lineage(version.artifact());
                assertTrue(members.containsAll(earlier), "version " + version.version() + " holds every earlier one: " + members);
                earlier.addAll(version.submissionIds());
            }
            for (AdapterSubmitted submission : burst) {
                awaitStage(submissionAt(submission.submissionId()), "PUBLISHED");
            }
            // recovered_s here is from the first submission of the burst to the version holding them all.
            List<String> burstIds = burst.stream().map(AdapterSubmitted::submissionId).toList();
            assertEquals(new DrillOutcome(n, n, 0, 0), reportDrill("burst", burstIds, started, lastPublished));
            List<CompositeCreated> merges = created.seen().stream().map(r -> EventCodec.decode(r.value(), CompositeCreated.class).data())
                    .filter(c -> c.branch().equals(branch)).toList();
            long unscored = evaluated.seen().stream().map(r -> EventCodec.decode(r.value(), CompositeEvaluated.class).data())
                    .filter(e -> e.branch().equals(branch) && e.metrics().isEmpty()).count();
            long rebaseCount = rebases.seen().stream().filter(r -> r.key() != null && r.key().equals(branch)).count();
            double roundsPerSubmission = merges.stream().mapToInt(c -> c.adapters().size()).sum() / (double) n;
            System.out.printf(Locale.ROOT, "Burst: %d adapters %d ms apart, all published after %.1f s in %d versions; %d merges"
                            + " (%.2f merge rounds per submission), %d rebases, %d composites sent on unscored%n",
                    n, spacing, seconds, last.version(), merges.size(), roundsPerSubmission, rebaseCount, unscored);
        }
    }

    @Test
    void aRedeliveredSubmissionGivesOneVersionAndAPoisonedAdapterLeavesTheHeadWhereItWas() throws Exception {
        String branch = fashion3Branch();
        EventEnvelope<AdapterSubmitted> once = EventEnvelope.wrap("pipeline-test",
                PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(301)));
        Adapter honest = PipelineFixtures.adapter(302);
        String layer = honest.modules().keySet().iterator().next();
        AdapterSubmitted poisoned = PipelineFixtures.submission(store, branch, honest.withModuleScaled(layer, 1000f));

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
        given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}", branch).then().body("headVersion", org.hamcrest.Matchers.is(1));
        given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}/versions", branch).then().body("version", contains(1));
    }

    /**
     * Issue 14, fork: a branch is forked at version 2 (the registry call the gateway makes for the
     * operator), and hospital-c submits to the fork. The merge worker builds on the fork's head,
     * the source's version 2 composite, so the fork's version 2 holds the source's two adapters and
     * the new one; the source's branch, versions and announcements stay exactly as they were.
     */
    @Test
    void aSubmissionToAForkAtVersionTwoMergesOntoThatCompositeAndTheSourceIsUnchanged() throws Exception {
        String source = fashion3Branch();
        List<AdapterSubmitted> sourceSubmissions = threeInstitutions(source, 901).subList(0, 2);
        List<String> sourceIds = sourceSubmissions.stream().map(AdapterSubmitted::submissionId).toList();
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            publishOneByOne(published, source, sourceSubmissions);
            String sourceBefore = given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}", source).asString();
            String sourceVersionsBefore = given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}/versions", source)
                    .asString();

            String fork = fork(source, 2);
            AdapterSubmitted garments = submission("hospital-c", fork, TestAdapters.random(PipelineFixtures.BASE, "garments", 3, 8, 8f, 903));
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", garments));

            ModelPublished forkV2 = published.awaitEvent(ModelPublished.class, p -> p.branch().equals(fork), WAIT).data();
            assertEquals(2, forkV2.version());
            assertEquals(List.of(garments.submissionId()), forkV2.submissionIds());
            List<String> expected = new ArrayList<>(sourceIds);
            expected.add(garments.submissionId());
            assertEquals(expected, lineage(forkV2.artifact()), "the fork's version 2 is built on the source's version 2");
            assertEquals(Set.of("tops", "footwear", "garments"), forkV2.metrics().keySet());
            given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}/versions/2", fork).then()
                    .statusCode(200)
                    .body("parentVersion", org.hamcrest.Matchers.is(1))
                    .body("forkedFrom.branch", org.hamcrest.Matchers.is(source))
                    .body("adapters.submissionId", contains(expected.toArray()));

            assertEquals(List.of(1, 2), publishedVersions(published, source), "nothing more was announced for the source");
            assertEquals(sourceBefore, given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}", source).asString());
            assertEquals(sourceVersionsBefore, given().auth().oauth2(GATEWAY.token())
                    .get(registry + "/internal/branches/{b}/versions", source).asString());
        }
    }

    /**
     * Issue 14, withdraw: three institutions publish versions 1..3; hospital-b withdraws its
     * contribution through the gateway (hospital-c, trying the same, is told it does not exist). The
     * merge worker merges a's and c's adapters again in their order, eval scores tops and garments
     * only and the gate passes it, and version 4 holds a and c: in its file, on its card (which names
     * the withdrawal, who asked and when) and in model.published, whose {@code withdrawn} names b.
     */
    @Test
    void hospitalBWithdrawsFromAThreeInstitutionBranchAndTheNextVersionHoldsOnlyAAndC() throws Exception {
        String gw = gateway();
        String branch = fashion3Branch();
        List<AdapterSubmitted> submissions = threeInstitutions(branch, 1401);
        String footwear = submissions.get(1).submissionId();
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            ModelPublished v3 = publishOneByOne(published, branch, submissions).get(2);
            awaitStage(() -> given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/submissions/{id}", footwear), "PUBLISHED");

            withdraw(gw, "hospital-c", branch, footwear).then().statusCode(404);
            long asked = System.nanoTime();
            withdraw(gw, "hospital-b", branch, footwear).then()
                    .statusCode(202)
                    .body("state", org.hamcrest.Matchers.is("PENDING"));
            ModelPublished v4 = published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch) && p.version() == 4, WAIT).data();
            Duration latency = Duration.ofNanos(System.nanoTime() - asked);
            System.out.printf("withdrawal of %s: version 4 published %d ms after the request; before %s; after %s%n", footwear,
                    latency.toMillis(), v3.metrics(), v4.metrics());

            List<String> kept = List.of(submissions.get(0).submissionId(), submissions.get(2).submissionId());
            assertEquals(List.of(footwear), v4.withdrawn());
            assertEquals(List.of(), v4.submissionIds());
            assertEquals(kept, lineage(v4.artifact()), "version 4 is a and c merged again, in their order");
            assertEquals(Set.of("tops", "garments"), v4.metrics().keySet(), "footwear's suite is no longer scored");
            given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}/versions/4", branch).then()
                    .statusCode(200)
                    .body("parentVersion", org.hamcrest.Matchers.is(3))
                    .body("adapters.submissionId", contains(kept.toArray()))
                    .body("institutions", contains("hospital-a", "hospital-c"))
                    .body("withdrawn.submissionId", contains(footwear))
                    .body("withdrawn[0].requestedBy", org.hamcrest.Matchers.is("hospital-b"))
                    .body("withdrawn[0].requestedAt", org.hamcrest.Matchers.notNullValue())
                    .body("withdrawn[0].version", org.hamcrest.Matchers.is(4));
            JsonPath history = awaitStage(() -> given().auth().oauth2(GATEWAY.token())
                    .get(registry + "/internal/submissions/{id}", footwear), "WITHDRAWN");
            List<String> stages = history.getList("history.stage");
            assertEquals("WITHDRAWN", stages.get(stages.size() - 1), "the history ends WITHDRAWN: " + stages);
            withdraw(gw, "hospital-b", branch, footwear).then()
                    .statusCode(409)
                    .body("errors[0].code", org.hamcrest.Matchers.is("ALREADY_WITHDRAWN"));
        }
    }

    /**
     * Issue 14, a withdrawal while a merge is in flight: a and b publish versions 1 and 2. Eval is
     * taken away, so hospital-c's garments composite, merged onto version 2, cannot be published,
     * and in that window hospital-b withdraws footwear: the request is sure to arrive mid-merge, and
     * the withdrawal's composite is built on version 2 as well. Once eval is back, the composites
     * are decided in the order they were built: garments becomes version 3 (a, b, c), and the
     * withdrawal's composite, finding the head moved, is rebased onto it still withdrawing, so
     * version 4 holds a and c. Neither is lost, and no version number is skipped or repeated.
     */
    @Test
    void aWithdrawalAskedWhileAnotherAdapterIsBeingMergedIsRebasedOntoThatAdaptersVersionAndNeitherIsLost() throws Exception {
        String gw = gateway();
        String branch = fashion3Branch();
        List<AdapterSubmitted> submissions = threeInstitutions(branch, 1501);
        String tops = submissions.get(0).submissionId();
        String footwear = submissions.get(1).submissionId();
        String garments = submissions.get(2).submissionId();
        ServiceProcess eval = CALLERS.get("eval-service");
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED);
             TopicProbe rebases = TopicProbe.tail(Topics.COMPOSITE_REBASE)) {
            publishOneByOne(published, branch, submissions.subList(0, 2));
            awaitStage(submissionAt(footwear), "PUBLISHED");

            CompositeCreated withGarments;
            CompositeCreated withoutFootwear;
            String garmentsStageWhenAsked;
            eval.kill();
            try {
                TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", submissions.get(2)));
                withGarments = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch)
                        && ids(c.adapters()).contains(garments), WAIT).data();
                withdraw(gw, "hospital-b", branch, footwear).then().statusCode(202).body("state", org.hamcrest.Matchers.is("PENDING"));
                garmentsStageWhenAsked = submissionAt(garments).get().path("stage");
                withoutFootwear = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch)
                        && ids(c.withdrawn()).contains(footwear), WAIT).data();
            } finally {
                eval.restart();
            }
            System.out.printf("withdrawal in flight: asked while garments was %s; garments composite %s and withdrawal composite %s"
                    + " both on version %d and %d%n", garmentsStageWhenAsked, withGarments.compositeId(), withoutFootwear.compositeId(),
                    withGarments.parentVersion(), withoutFootwear.parentVersion());
            assertEquals(2, withGarments.parentVersion());
            assertEquals(2, withoutFootwear.parentVersion(), "both composites are in flight on version 2");
            assertEquals(List.of(), withoutFootwear.adapters(), "a withdrawal brings no adapter of its own");

            ModelPublished v3 = published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch) && p.version() == 3, WAIT).data();
            assertEquals(withGarments.compositeId(), v3.compositeId(), "decided first, as it was built first");
            assertEquals(List.of(tops, footwear, garments), lineage(v3.artifact()));
            assertEquals(List.of(), v3.withdrawn());
            CompositeRebase rebase = rebases.awaitEvent(CompositeRebase.class,
                    r -> withoutFootwear.compositeId().equals(r.staleCompositeId()), WAIT).data();
            assertEquals(3, rebase.headVersion(), "the stale withdrawal goes onto garments' version");
            assertEquals(List.of(footwear), ids(rebase.withdrawn()), "and is still a withdrawal");

            ModelPublished v4 = published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch) && p.version() == 4, WAIT).data();
            assertEquals(List.of(footwear), v4.withdrawn());
            assertEquals(List.of(tops, garments), lineage(v4.artifact()), "the head keeps garments and leaves footwear out");
            assertEquals(Set.of("tops", "garments"), v4.metrics().keySet());
            assertEquals(List.of(1, 2, 3, 4), publishedVersions(published, branch), "no version number skipped or repeated");
        }
        internal("/internal/branches/{b}", branch).then().body("headVersion", org.hamcrest.Matchers.is(4));
        internal("/internal/branches/{b}/versions/4", branch).then()
                .statusCode(200)
                .body("parentVersion", org.hamcrest.Matchers.is(3))
                .body("adapters.submissionId", contains(tops, garments))
                .body("withdrawn.submissionId", contains(footwear))
                .body("withdrawn[0].requestedBy", org.hamcrest.Matchers.is("hospital-b"))
                .body("withdrawn[0].version", org.hamcrest.Matchers.is(4));
        List<String> footwearStages = awaitStage(submissionAt(footwear), "WITHDRAWN").getList("history.stage");
        assertEquals("WITHDRAWN", footwearStages.get(footwearStages.size() - 1), "footwear's history ends WITHDRAWN: " + footwearStages);
        assertEquals(List.of("VALIDATED", "MERGED", "EVALUATED", "PUBLISHED"),
                awaitStage(submissionAt(garments), "PUBLISHED").getList("history.stage"));
    }

    /**
     * Issue 14, withdraw from a fork: a and b publish versions 1 and 2 of the source, which is forked
     * at version 2, and hospital-b withdraws footwear from the fork. The fork's version 2 holds tops
     * alone and its card names the withdrawal; the source is untouched: its head still holds
     * footwear, its cards and announcements are as they were, footwear's status is still PUBLISHED,
     * and the source has no withdrawal of it, so hospital-b can still ask for one there.
     */
    @Test
    void aContributionWithdrawnFromAForkLeavesTheForksNextVersionAndStaysInTheSource() throws Exception {
        String gw = gateway();
        String source = fashion3Branch();
        List<AdapterSubmitted> submissions = threeInstitutions(source, 1601).subList(0, 2);
        String tops = submissions.get(0).submissionId();
        String footwear = submissions.get(1).submissionId();
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            publishOneByOne(published, source, submissions);
            awaitStage(submissionAt(footwear), "PUBLISHED");
            String sourceBefore = internal("/internal/branches/{b}", source).asString();
            List<String> sourceCardsBefore = cards(source);
            String fork = fork(source, 2);

            withdraw(gw, "hospital-b", fork, footwear).then().statusCode(202).body("branch", org.hamcrest.Matchers.is(fork));
            ModelPublished forkV2 = published.awaitEvent(ModelPublished.class, p -> p.branch().equals(fork), WAIT).data();
            assertEquals(2, forkV2.version());
            assertEquals(List.of(footwear), forkV2.withdrawn());
            assertEquals(List.of(tops), lineage(forkV2.artifact()), "the fork's version 2 is the source's version 2 without footwear");
            assertEquals(Set.of("tops"), forkV2.metrics().keySet());
            internal("/internal/branches/{b}/versions/2", fork).then()
                    .statusCode(200)
                    .body("parentVersion", org.hamcrest.Matchers.is(1))
                    .body("adapters.submissionId", contains(tops))
                    .body("withdrawn.submissionId", contains(footwear))
                    .body("withdrawn[0].requestedBy", org.hamcrest.Matchers.is("hospital-b"))
                    .body("withdrawn[0].version", org.hamcrest.Matchers.is(2));
            withdraw(gw, "hospital-b", fork, footwear).then().statusCode(409)
                    .body("errors[0].code", org.hamcrest.Matchers.is("ALREADY_WITHDRAWN"));
            assertEquals(List.of(1, 2), publishedVersions(published, source), "nothing more was announced for the source");
            assertEquals(sourceBefore, internal("/internal/branches/{b}", source).asString());
            assertEquals(sourceCardsBefore, cards(source));
            internal("/internal/branches/{b}/versions/2", source).then().body("adapters.submissionId", contains(tops, footwear));
            internal("/internal/submissions/{id}", footwear).then().body("stage", org.hamcrest.Matchers.is("PUBLISHED"));

            withdraw(gw, "hospital-b", source, footwear).then().statusCode(202).body("state", org.hamcrest.Matchers.is("PENDING"));
            ModelPublished sourceV3 = published.awaitEvent(ModelPublished.class, p -> p.branch().equals(source) && p.version() == 3,
                    WAIT).data();
            assertEquals(List.of(tops), lineage(sourceV3.artifact()), "withdrawn from the source only now");
        }
        // Had the fork's withdrawal reached footwear's history, it would show two, or one naming the fork's version 2.
        JsonPath history = awaitStage(submissionAt(footwear), "WITHDRAWN");
        assertEquals(1, history.getList("history.stage").stream().filter("WITHDRAWN"::equals).count(), history.prettify());
        assertTrue(history.getString("history[-1].detail").contains("version 3 and later"), history.getString("history[-1].detail"));
    }

    /**
     * Issue 11, the registry drill: three institutions submit; as soon as the first adapter is
     * validated the registry is killed (SIGKILL) and kept down for 15 s, so ingest, merge and eval
     * all meet it gone. Before, merge dead-lettered what it could not ask the registry about, and
     * those submissions stayed VALIDATED forever. Now every one of them is PUBLISHED once it is back,
     * none is dead-lettered, the versions run 1..n without gaps, and the head holds all three.
     */
    @Test
    void aRegistryKilledWhileAdaptersAreInFlightOnlyDelaysThem() throws Exception {
        String branch = fashion3Branch();
        Map<String, Integer> logBefore = new HashMap<>();
        faultWhileInFlight("registry-kill", branch, threeInstitutions(branch, 701), () -> {
            CALLERS.forEach((service, process) -> logBefore.put(service, readLog(process.log()).length()));
            registryProcess.kill();
            try {
                Thread.sleep(15_000);
            } finally {
                registryProcess.restart();
            }
        });
        List<String> waited = CALLERS.entrySet().stream()
                .filter(caller -> readLog(caller.getValue().log()).substring(logBefore.get(caller.getKey())).contains("retrying in"))
                .map(Map.Entry::getKey).toList();
        System.out.println("registry drill: waited for the registry: " + waited);
        assertFalse(waited.isEmpty(), "some consumer met the registry gone and waited for it");
    }

    /**
     * Issue 11, the broker drill: three institutions submit; as soon as the first adapter is validated
     * the Kafka broker is stopped and started again ({@code ./medforge stack restart kafka}), so every
     * service and the registry's outbox relay meet it gone mid-flight. Producers wait (acks=all,
     * idempotent) and consumers resume from their committed offsets: every submission is PUBLISHED,
     * none lost or stuck, the versions run 1..n without gaps, the head holds all three, nothing is
     * dead-lettered. Only a broker the launcher started can be restarted here; with another one (a
     * developer's own) the drill is skipped rather than stopping what it did not start.
     */
    @Test
    void aKafkaBrokerRestartedWhileAdaptersAreInFlightOnlyDelaysThem() throws Exception {
        Path brokerPid = Path.of(Optional.ofNullable(System.getenv("MEDFORGE_HOME")).orElse("../.medforge"), "run", "kafka.pid");
        Assumptions.assumeTrue(Files.exists(brokerPid), "the broker was not started by ./medforge in this checkout (" + brokerPid + ")");
        String branch = fashion3Branch();
        faultWhileInFlight("kafka-restart", branch, threeInstitutions(branch, 721), () -> {
            Process restart = new ProcessBuilder("../medforge", "stack", "restart", "kafka").redirectErrorStream(true).start();
            String said = new String(restart.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, restart.waitFor(), "./medforge stack restart kafka:\n" + said);
            System.out.print("broker drill: " + said);
        });
    }

    /** A fault a drill inflicts and mends before it returns; the drill's recovery time counts from then. */
    private interface Fault {
        void inflictAndMend() throws Exception;
    }

    /**
     * The outage drills: sends {@code submissions}, and as soon as the first is VALIDATED (the others
     * in flight behind it) runs {@code fault}; then checks what {@link #assertRecovered} does.
     */
    private static void faultWhileInFlight(String drill, String branch, List<AdapterSubmitted> submissions, Fault fault) throws Exception {
        List<String> ids = submissions.stream().map(AdapterSubmitted::submissionId).toList();
        List<TopicProbe> deadLetters = deadLetterProbes();
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            submissions.forEach(s -> TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", s)));
            status.awaitEvent(SubmissionStatus.class, s -> ids.contains(s.submissionId()) && s.stage() == SubmissionStatus.Stage.VALIDATED, WAIT);
            fault.inflictAndMend();
            Instant back = Instant.now();
            assertRecovered(reportDrill(drill, ids, back, awaitPublished(status, ids)), published, deadLetters, branch, ids);
        } finally {
            deadLetters.forEach(TopicProbe::close);
        }
    }

    /** How long the kill drills keep a worker down: longer than a poll, so its events wait for it on the broker. */
    private static final Duration KILLED_FOR = Duration.ofSeconds(5);

    /**
     * Issue 11, the merge-worker drill: three institutions submit, and the moment the merge worker
     * logs that it has begun merging adapters of the branch it is killed (SIGKILL), mid-merge, and
     * kept down for 5 s. The worker commits its offsets only once a composite and its events are on
     * the broker, so the batch it died on must come again to the worker started anew: every
     * submission is PUBLISHED (none lost, none left VALIDATED), the versions run 1..n without gaps or
     * repeats, the head holds all three, and nothing is dead-lettered.
     */
    @Test
    void aMergeWorkerKilledMidMergeOnlyDelaysTheAdaptersItWasMerging() throws Exception {
        String branch = fashion3Branch();
        String quoted = Pattern.quote(branch);
        killMidWork("merge-worker-kill", "merge-service", branch, threeInstitutions(branch, 1701),
                Pattern.compile("branch " + quoted + ": merging "),
                Pattern.compile("branch " + quoted + ": (composite |.*already in version)"));
    }

    /**
     * Issue 11, the eval drill: three institutions submit, and the moment eval-service logs that it
     * has begun evaluating a composite of the branch it is killed (SIGKILL), mid-evaluation, and kept
     * down for 5 s; the branch's suites are large (1,200 to 1,600 images a task), so an evaluation
     * lasts seconds and the kill lands inside it. Eval commits composite.created's offset only once
     * the verdict is on the broker, so the composite must be evaluated again by the service started
     * anew, and decided once: every submission is PUBLISHED (none lost, none left MERGED), the
     * versions run 1..n without gaps or repeats, the head holds all three, and nothing is
     * dead-lettered.
     */
    @Test
    void anEvalServiceKilledMidEvaluationOnlyDelaysTheCompositeItWasScoring() throws Exception {
        String branch = fashion3BranchWithSuitesOf(400);
        String quoted = Pattern.quote(branch);
        killMidWork("eval-kill", "eval-service", branch, threeInstitutions(branch, 1801),
                Pattern.compile("composite \\S+ on " + quoted + ": evaluating "),
                Pattern.compile("composite \\S+ on " + quoted + ": (?!evaluating )"));
    }

    /**
     * The worker kill drills: sends {@code submissions}, waits until {@code service}'s log shows work
     * on their branch begun ({@code started}) and not yet ended ({@code ended}), kills the service
     * there, keeps it down for {@link #KILLED_FOR} and starts it again; then checks what
     * {@link #assertRecovered} does. A kill that came too late to find the work in flight fails the
     * drill rather than passing it for the wrong reason.
     */
    private static void killMidWork(String drill, String service, String branch, List<AdapterSubmitted> submissions,
                                    Pattern started, Pattern ended) throws Exception {
        ServiceProcess worker = CALLERS.get(service);
        List<String> ids = submissions.stream().map(AdapterSubmitted::submissionId).toList();
        List<TopicProbe> deadLetters = deadLetterProbes();
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            long logFrom = Files.size(worker.log());
            submissions.forEach(s -> TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", s)));
            awaitWorkInFlight(worker.log(), logFrom, started, ended);
            worker.kill();
            // A killed process writes nothing more: its log now says what it was doing when it died.
            String atKill = logSince(worker.log(), logFrom);
            Instant back;
            try {
                Thread.sleep(KILLED_FOR.toMillis());
            } finally {
                worker.restart();
                back = Instant.now();
            }
            DrillOutcome outcome = reportDrill(drill, ids, back, awaitPublished(status, ids));
            assertTrue(inFlight(atKill, started, ended), service + " was killed with work on " + branch + " in flight:\n" + atKill);
            assertRecovered(outcome, published, deadLetters, branch, ids);
        } finally {
            deadLetters.forEach(TopicProbe::close);
        }
    }

    /** Polls {@code log} from byte {@code from} until work has begun ({@code started}) more often than it has ended. */
    private static void awaitWorkInFlight(Path log, long from, Pattern started, Pattern ended) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        // Often: a merge of one adapter lasts half a second, and the kill must land inside it.
        while (!inFlight(logSince(log, from), started, ended)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no work seen in flight within " + WAIT + ":\n" + logSince(log, from));
            }
            Thread.sleep(20);
        }
    }

    private static boolean inFlight(String log, Pattern started, Pattern ended) {
        return log.lines().filter(line -> started.matcher(line).find()).count()
                > log.lines().filter(line -> ended.matcher(line).find()).count();
    }

    private static String logSince(Path log, long from) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(log)) {
            channel.position(from);
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every dead-letter topic of the pipeline, tailed from now, for the drills that must leave them empty. */
    private static List<TopicProbe> deadLetterProbes() {
        return Stream.of(Topics.ADAPTER_SUBMITTED, Topics.ADAPTER_VALIDATED, Topics.COMPOSITE_CREATED, Topics.COMPOSITE_REBASE,
                Topics.COMPOSITE_EVALUATED, Topics.SUBMISSION_STATUS).map(Topics::deadLetter).map(TopicProbe::tail).toList();
    }

    /** Waits until each of {@code ids} is PUBLISHED and says when the last one was seen; null if some were not, within {@link #WAIT}. */
    private static Instant awaitPublished(TopicProbe status, List<String> ids) {
        Instant deadline = Instant.now().plus(WAIT);
        try {
            for (String id : ids) {
                status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(id) && s.stage() == SubmissionStatus.Stage.PUBLISHED,
                        Duration.between(Instant.now(), deadline));
            }
            return Instant.now();
        } catch (AssertionError notAll) {
            return null;
        }
    }

    /** What the registry holds of a drill's submissions in the end; see {@link #reportDrill}. */
    private record DrillOutcome(int submissions, int published, int lost, int stuck) {
    }

    /**
     * Prints the one line every drill ends with, the same for all, so that the build's log gives the
     * table of drills ({@code grep '^DRILL '}): the drill's submissions; how many the registry holds
     * PUBLISHED; how many it never heard of (lost) or holds short of a final stage (stuck), given 30 s
     * to record the stages already on the topic (the rest ended otherwise, e.g. REJECTED as the drill
     * meant them to); and recovered_s, the seconds from {@code restored}
     * (the fault mended, or where nothing comes back, the fault itself) to {@code lastPublished},
     * "-" where either is missing.
     */
    private static DrillOutcome reportDrill(String drill, List<String> ids, Instant restored, Instant lastPublished)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        int published = 0;
        int lost = 0;
        int stuck = 0;
        for (String id : ids) {
            Response response = internal("/internal/submissions/{id}", id);
            while (!settled(response) && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
                response = internal("/internal/submissions/{id}", id);
            }
            if (response.statusCode() == 404) {
                lost++;
            } else if (response.statusCode() != 200) {
                throw new AssertionError("the registry did not answer for submission " + id + ": " + response.statusCode());
            } else if ("PUBLISHED".equals(response.path("stage"))) {
                published++;
            } else if (!SubmissionStatus.Stage.valueOf(response.path("stage")).terminal()) {
                stuck++;
            }
        }
        String recovered = restored == null || lastPublished == null ? "-"
                : String.format(Locale.ROOT, "%.1f", Duration.between(restored, lastPublished).toMillis() / 1000.0);
        System.out.printf(Locale.ROOT, "DRILL %s: submissions=%d published=%d lost=%d stuck=%d recovered_s=%s%n", drill, ids.size(),
                published, lost, stuck, recovered);
        return new DrillOutcome(ids.size(), published, lost, stuck);
    }

    private static boolean settled(Response submission) {
        return submission.statusCode() == 200 && SubmissionStatus.Stage.valueOf(submission.path("stage")).terminal();
    }

    /**
     * What a fault may cost only time: every submission PUBLISHED, none lost or stuck; model.published
     * numbered 1..n without a gap or a repeat; the head holding every submission; nothing of the
     * branch on any dead-letter topic.
     */
    private static void assertRecovered(DrillOutcome outcome, TopicProbe published, List<TopicProbe> deadLetters, String branch,
                                        List<String> ids) {
        assertEquals(new DrillOutcome(ids.size(), ids.size(), 0, 0), outcome, "every submission PUBLISHED, none lost or stuck");
        ModelPublished head = published.awaitEvent(ModelPublished.class,
                p -> p.branch().equals(branch) && Set.copyOf(lineage(p.artifact())).containsAll(ids), WAIT).data();
        assertEquals(IntStream.rangeClosed(1, head.version()).boxed().toList(), publishedVersions(published, branch),
                "no version number repeated or skipped");
        for (TopicProbe dlq : deadLetters) {
            assertTrue(dlq.seen().stream().noneMatch(r -> r.value().contains(branch) || ids.stream().anyMatch(r.value()::contains)),
                    "nothing of this drill was dead-lettered");
        }
    }

    /**
     * Issue 11, two registries on one database, and the drill that kills one. A second registry joins
     * the first's consumer groups and shares its database, so each decides the branches whose
     * partitions it holds and both relay the one outbox. The branch is chosen among those the second
     * holds. Three institutions are published with both running: no event of theirs reaches a topic
     * twice (the relays take turns). Then the second registry, the one deciding the branch, is killed
     * (SIGKILL) while three more adapters are in flight: the first takes its partitions over, and every
     * submission is PUBLISHED, the versions run 1..n, and the head holds all six. The other services
     * keep calling the first registry's API, as they would a load balancer in front of both.
     */
    @Test
    void twoRegistriesSendEachEventOnceAndKillingTheOneThatDecidesABranchOnlyDelaysIt() throws Exception {
        Map<String, String> properties = joining(Map.of("medforge.artifacts.root", artifacts.toString()), run, "registry-service");
        properties.put("mp.messaging.incoming.composite-evaluated.client.id", SECOND_REGISTRY);
        try (ServiceProcess second = ServiceProcess.start("registry-service", properties);
             TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            awaitPartitionsAssigned(List.of(run + "-registry-service"), 2);
            String branch = fashion3BranchDecidedBy(SECOND_REGISTRY);
            List<AdapterSubmitted> before = threeInstitutions(branch, 901);
            List<AdapterSubmitted> during = threeInstitutions(branch, 911);
            List<String> ids = Stream.concat(before.stream(), during.stream()).map(AdapterSubmitted::submissionId).toList();

            before.forEach(s -> TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", s)));
            for (AdapterSubmitted s : before) {
                status.awaitEvent(SubmissionStatus.class, e -> e.submissionId().equals(s.submissionId())
                        && e.stage() == SubmissionStatus.Stage.PUBLISHED, WAIT);
            }
            assertTrue(readLog(second.log()).contains(branch), "the second registry decided the branch's composites");
            List<String> twice = sentTwice(Stream.concat(published.seen().stream(), status.seen().stream())
                    .filter(r -> before.stream().anyMatch(s -> r.value().contains(s.submissionId()))).toList());
            assertEquals(List.of(), twice, "events of this branch that reached their topic twice under two registries");

            during.forEach(s -> TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", s)));
            status.awaitEvent(SubmissionStatus.class, e -> e.submissionId().equals(during.get(0).submissionId())
                    && e.stage() == SubmissionStatus.Stage.VALIDATED, WAIT);
            second.kill();
            Instant down = Instant.now();
            Instant last = awaitPublished(status, ids);
            if (last != null) {
                System.out.printf("two-registry drill: killed the registry deciding the branch; all %d submissions PUBLISHED, the last"
                        + " %d s after the kill%n", ids.size(), Duration.between(down, last).toSeconds());
            }
            // Nothing is brought back here: the survivor takes over, so the time counts from the kill.
            DrillOutcome outcome = reportDrill("two-registries-kill", ids, down, last);
            assertEquals(new DrillOutcome(ids.size(), ids.size(), 0, 0), outcome, "every submission PUBLISHED, none lost or stuck");
            ModelPublished head = published.awaitEvent(ModelPublished.class,
                    p -> p.branch().equals(branch) && Set.copyOf(lineage(p.artifact())).containsAll(ids), WAIT).data();
            assertEquals(IntStream.rangeClosed(1, head.version()).boxed().toList(), publishedVersions(published, branch),
                    "no version number repeated or skipped");
        }
    }

    private static final String SECOND_REGISTRY = "second-registry";

    /**
     * A fashion3 branch whose composites the registry consuming as {@code clientId} decides: events
     * are keyed by branch, so the producer's partitioner (murmur2 of the key) says where they land.
     */
    private static String fashion3BranchDecidedBy(String clientId) throws Exception {
        try (Admin admin = Admin.create(Broker.asAdmin(Map.of()))) {
            int partitions = admin.describeTopics(List.of(Topics.COMPOSITE_EVALUATED)).allTopicNames().get()
                    .get(Topics.COMPOSITE_EVALUATED).partitions().size();
            Set<Integer> held = admin.describeConsumerGroups(List.of(run + "-registry-service")).all().get()
                    .get(run + "-registry-service").members().stream()
                    .filter(member -> member.clientId().startsWith(clientId))
                    .flatMap(member -> member.assignment().topicPartitions().stream())
                    .filter(partition -> partition.topic().equals(Topics.COMPOSITE_EVALUATED))
                    .map(TopicPartition::partition)
                    .collect(Collectors.toSet());
            for (int tries = 0; tries < 30; tries++) {
                String branch = fashion3Branch();
                if (held.contains(Utils.toPositive(Utils.murmur2(branch.getBytes(StandardCharsets.UTF_8))) % partitions)) {
                    return branch;
                }
            }
            throw new IllegalStateException(clientId + " holds partitions " + held + " of " + partitions + "; no branch landed there");
        }
    }

    /** The envelope ids among {@code records} that occur more than once. */
    private static List<String> sentTwice(List<ConsumerRecord<String, String>> records) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            counts.merge(new ObjectMapper().readTree(record.value()).path("id").asText(), 1, Integer::sum);
        }
        return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
    }

    /**
     * Issue 11, the duplicate drill: the same adapter bytes under a second submission id (another
     * manifest, a client that bypassed the gateway's 409) once the first is published. The second is
     * never merged: it ends REJECTED with rule DUPLICATE naming the first, and the head stays put.
     */
    @Test
    void theSameAdapterUnderASecondSubmissionIdEndsRejectedAsADuplicateAndIsNeverMergedTwice() throws Exception {
        String branch = fashion3Branch();
        AdapterSubmitted first = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(801));
        AdapterSubmitted again = new AdapterSubmitted(UUID.randomUUID().toString(), first.institution(), branch, first.task(),
                first.artifacts(), Map.of("description", "the same adapter, described anew"));
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", first));
            published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch), WAIT);
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", again));

            SubmissionStatus verdict = status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(again.submissionId())
                    && s.stage().terminal(), WAIT).data();
            // No fault is mended here: the repeat is refused, so one of the two is published and nothing is left stuck.
            reportDrill("duplicate", List.of(first.submissionId(), again.submissionId()), null, null);
            assertEquals(SubmissionStatus.Stage.REJECTED, verdict.stage());
            assertTrue(verdict.detail().startsWith("DUPLICATE ") && verdict.detail().contains("submission " + first.submissionId()),
                    verdict.detail());
            assertEquals(List.of(1), publishedVersions(published, branch), "the repeat built no version");
        }
        awaitStage(() -> given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/submissions/{id}", again.submissionId()),
                "REJECTED");
    }

    /**
     * Issue 11, the DLQ replay drill: hospital-a's adapter is stored for real, but ingest failed on
     * its adapter.submitted event through a fault of ours. The event lies on the DLQ with its reason
     * and the submission is REJECTED with INTERNAL_ERROR, exactly as {@link DeadLetters} leaves them
     * (put there by the test: no fault of ingest's can be provoked from outside on demand). The
     * operator replays the DLQ through the gateway: the submission is reopened and goes on to
     * PUBLISHED, its history keeps the rejection and shows the reopening, and a second replay sends
     * nothing.
     */
    @Test
    void aSubmissionDeadLetteredByAFaultOfOursIsPublishedOnceTheOperatorReplaysTheDlq() throws Exception {
        String gw = gateway();
        String ops = KeycloakTokens.user("ops");
        String branch = fashion3Branch();
        AdapterSubmitted submitted = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(1101));
        String id = submitted.submissionId();
        EventEnvelope<AdapterSubmitted> event = EventEnvelope.wrap("pipeline-test", submitted);
        String value = EventCodec.encode(event);
        IllegalStateException fault = new IllegalStateException("the drill's fault: artifact store unreachable");
        TopicProbe.send(Topics.deadLetter(Topics.ADAPTER_SUBMITTED), event.subject(), value,
                Map.of(DeadLetters.REASON_HEADER, fault.getMessage()));
        DeadLetters.rejections("adapter-ingest-service", Topics.ADAPTER_SUBMITTED, value, fault)
                .forEach(rejection -> TopicProbe.send(Topics.SUBMISSION_STATUS, rejection));
        Supplier<Response> submission = () -> given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/submissions/{id}", id);
        String rejection = awaitStage(submission, "REJECTED").getString("history[-1].detail");
        assertTrue(rejection.startsWith("INTERNAL_ERROR " + Topics.ADAPTER_SUBMITTED), rejection);

        String replay = gw + "/api/v1/ops/dlq/replay";
        Map<String, String> body = Map.of("topic", Topics.ADAPTER_SUBMITTED, "submission", id);
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            long asked = System.nanoTime();
            Instant replayed = Instant.now();
            given().auth().oauth2(ops).contentType(ContentType.JSON).body(body).post(replay).then()
                    .statusCode(200)
                    .body("replayed.eventId", contains(event.id()));
            ModelPublished version = published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch), WAIT).data();
            Instant publishedAt = Instant.now();
            System.out.printf("DLQ replay drill: version %d published %d ms after the replay%n", version.version(),
                    Duration.ofNanos(System.nanoTime() - asked).toMillis());
            // The replay is what mends the fault here.
            reportDrill("dlq-replay", List.of(id), replayed, publishedAt);
            assertEquals(1, version.version());
            assertEquals(List.of(id), lineage(version.artifact()));
        }
        JsonPath status = awaitStage(submission, "PUBLISHED");
        assertEquals(List.of("REJECTED", "VALIDATED", "MERGED", "EVALUATED", "PUBLISHED"), status.getList("history.stage"));
        assertEquals(rejection, status.getString("history[0].detail"), "the rejection stays in the history");
        assertTrue(status.getString("history[1].detail").startsWith("REOPENED after " + rejection), status.getString("history[1].detail"));
        given().auth().oauth2(ops).contentType(ContentType.JSON).body(body).post(replay).then()
                .statusCode(200)
                .body("replayed", org.hamcrest.Matchers.empty())
                .body("skipped.reason", contains("ALREADY_REPLAYED"));
    }

    private static final String WEBHOOK_RECEIVER_HOST = "127.0.0.2";

    /**
     * Issue 11, two gateways: a second gateway, started from the same jar, serves the webhooks made
     * through the first (they are kept by the registry), and an event published while both run is
     * delivered to a webhook once, not once per gateway, and logged where either gateway shows it.
     * A subscriber's stream on the second gateway hears the event too: each gateway's streams read
     * every event. A webhook deleted through the second is gone through the first.
     */
    @Test
    void twoGatewaysServeTheSameWebhooksDeliverEachEventOnceAndBothStreamsHearIt() throws Exception {
        String first = gateway();
        // The second gateway's streams read in groups of their own, placed at the end before it starts and
        // awaited below: its stream consumers start from "latest", and an event sent before they hold their
        // partitions would never reach its subscribers (a CI run lost this test's event so).
        String streams = run + "-gateway-2";
        GroupsAtEnd.start(streams, Set.copyOf(CHANNELS.get("gateway").values()));
        Map<String, String> secondProperties = gatewayProperties();
        CHANNELS.get("gateway").keySet().forEach(channel -> secondProperties.put("mp.messaging.incoming." + channel + ".group.id", streams));
        ServiceProcess secondProcess = ServiceProcess.start("gateway", secondProperties);
        SERVICES.add(secondProcess);
        String second = secondProcess.url();
        awaitPartitionsAssigned(List.of(run + "-gateway-webhooks"), 2);
        awaitPartitionsAssigned(List.of(streams), 2);
        String viewer = KeycloakTokens.user("viewer");
        String branch = "two-gateways-" + UUID.randomUUID().toString().substring(0, 8);

        Map<String, List<String>> receivedByEvent = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getByName(WEBHOOK_RECEIVER_HOST), 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (body.contains(branch)) {
                receivedByEvent.computeIfAbsent(exchange.getRequestHeaders().getFirst("webhook-id"),
                        id -> new CopyOnWriteArrayList<>()).add(body);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String id = given().auth().oauth2(viewer).contentType(ContentType.JSON)
                .body(Map.of("url", "http://" + WEBHOOK_RECEIVER_HOST + ":" + receiver.getAddress().getPort() + "/hook"))
                .post(first + "/api/v1/webhooks").then()
                .statusCode(201)
                .extract().path("id");
        try (SseStream stream = SseStream.open(second + "/api/v1/notifications", viewer)) {
            given().auth().oauth2(viewer).get(second + "/api/v1/webhooks").then()
                    .statusCode(200).body("id", hasItems(id));

            EventEnvelope<ModelPublished> published = EventEnvelope.wrap("pipeline-test", new ModelPublished(branch, 1,
                    "c-" + branch, "sha256:" + "ab".repeat(32), "fusion", List.of(), Map.of()));
            TopicProbe.send(Topics.MODEL_PUBLISHED, published);

            stream.await("model.published", data -> data.contains(branch), WAIT);
            for (Instant deadline = Instant.now().plusSeconds(30); !receivedByEvent.containsKey(published.id()); Thread.sleep(200)) {
                assertTrue(Instant.now().isBefore(deadline), "no delivery of event " + published.id() + " in 30 s");
            }
            // The gateway logs an attempt after the receiver has answered, so the entry may come a moment later.
            String ofEvent = "findAll { it.eventId == '" + published.id() + "' }";
            for (Instant deadline = Instant.now().plusSeconds(15); given().auth().oauth2(viewer)
                    .get(first + "/api/v1/webhooks/{id}/deliveries", id).jsonPath().getList(ofEvent).isEmpty(); Thread.sleep(200)) {
                assertTrue(Instant.now().isBefore(deadline), "no delivery of event " + published.id() + " logged in 15 s");
            }
            given().auth().oauth2(viewer).get(first + "/api/v1/webhooks/{id}/deliveries", id).then()
                    .statusCode(200).body(ofEvent + ".status", contains(200));
            // Had both gateways delivered, the second copy would arrive within the first's round trip.
            Thread.sleep(3_000);
            assertEquals(1, receivedByEvent.get(published.id()).size(), "the event was delivered once, by one of the two gateways");
            given().auth().oauth2(viewer).get(second + "/api/v1/webhooks/{id}/deliveries", id).then()
                    .statusCode(200).body(ofEvent + ".attempt", contains(1));
        } finally {
            given().auth().oauth2(viewer).delete(second + "/api/v1/webhooks/{id}", id).then().statusCode(204);
            receiver.stop(0);
            secondProcess.close();
        }
        given().auth().oauth2(viewer).get(first + "/api/v1/webhooks/{id}/deliveries", id).then().statusCode(404);
    }

    /**
     * Issue 5, test 6, with issue 4's test 5 on the way: everything through the gateway with real
     * Keycloak tokens. The operator registers the branch, hospital-a its task and then its adapter
     * as a multipart upload; a subscriber's open SSE stream hears model.published, and hospital-a's
     * status history shows every stage. Just before the upload a malformed record lands on the
     * submitted topic with the branch as its key, so on the very partition the good submission
     * follows it: it must go to the DLQ, and the submission after it must still be published.
     */
    @Test
    void aSubmissionThroughTheGatewayIsPublishedAndASubscriberHearsItWhileAMalformedEventBeforeItGoesToTheDlq() throws Exception {
        String gw = gateway();
        String hospitalA = KeycloakTokens.user("hospital-a");
        String branch = gatewayBranchWithTops(gw, hospitalA);
        SubmissionParts parts = SubmissionParts.of(PipelineFixtures.adapter(501));
        String garbage = "{\"not\": \"an event\", \"marker\": \"" + UUID.randomUUID() + "\"";

        try (SseStream subscriber = SseStream.open(gw + "/api/v1/notifications", KeycloakTokens.user("viewer"));
             TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe deadLetters = TopicProbe.tail(Topics.deadLetter(Topics.ADAPTER_SUBMITTED))) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, branch, garbage);

            Response accepted = upload(gw, hospitalA, branch, "{\"task\":\"tops\",\"description\":\"tops classifier, 3 epochs\"}",
                    parts);
            assertEquals(202, accepted.statusCode(), accepted.asString());
            String id = accepted.path("submissionId");
            assertTrue(accepted.header("Location").endsWith("/api/v1/submissions/" + id), accepted.header("Location"));

            SseStream.Event heard = subscriber.await("model.published", data -> data.contains("\"" + branch + "\"")
                    && EventCodec.decode(data, ModelPublished.class).data().version() == 1, WAIT);
            assertEquals(List.of(id), EventCodec.decode(heard.data(), ModelPublished.class).data().submissionIds(),
                    "version 1 is the gateway's submission");

            ConsumerRecord<String, String> dead = deadLetters.await(r -> garbage.equals(r.value()), Duration.ofSeconds(30));
            assertTrue(dead.headers().lastHeader("dead-letter-reason") != null, "the DLQ record says why");
            ConsumerRecord<String, String> broker = published.await(r -> r.value().contains("\"" + branch + "\""), Duration.ofSeconds(30));

            JsonPath status = awaitStage(() -> given().auth().oauth2(hospitalA).get(gw + "/api/v1/submissions/{id}", id),
                    "PUBLISHED");
            assertEquals("hospital-a", status.getString("institution"));
            assertEquals(List.of("RECEIVED", "VALIDATED", "MERGED", "EVALUATED", "PUBLISHED"), status.getList("history.stage"));

            Instant publishedAt = Instant.parse(given().auth().oauth2(KeycloakTokens.user("viewer"))
                    .get(gw + "/api/v1/branches/{b}/versions/1", branch)
                    .then().statusCode(200).extract().path("publishedAt"));
            Instant relayed = Instant.ofEpochMilli(broker.timestamp());
            System.out.printf(Locale.ROOT, "SSE latency: %d ms from the publish commit (version 1 publishedAt %s) to the subscriber's "
                            + "model.published line; commit -> broker (outbox relay) %d ms, broker -> SSE line %d ms%n",
                    Duration.between(publishedAt, heard.arrived()).toMillis(), publishedAt,
                    Duration.between(publishedAt, relayed).toMillis(), Duration.between(relayed, heard.arrived()).toMillis());
        }
    }

    /**
     * Issue 9, the attack as it was found: hospital-b uploads through the gateway, with its own
     * token, an adapter whose manifest names hospital-a's task "tops" on the same branch. The gate
     * is open, so before the fix this adapter became version 1 and hospital-a's task had
     * hospital-b's head. Now it ends REJECTED with TASK_NOT_OWNED, told to hospital-b on its
     * notification stream and in its status history, without naming hospital-a, and no version is
     * published.
     */
    @Test
    void anAdapterForAnotherInstitutionsTaskThroughTheGatewayIsRejectedAndTheHeadDoesNotMove() throws Exception {
        String gw = gateway();
        String branch = gatewayBranchWithTops(gw, KeycloakTokens.user("hospital-a"));
        String hospitalB = KeycloakTokens.user("hospital-b");

        try (SseStream hospitalBStream = SseStream.open(gw + "/api/v1/notifications", hospitalB);
             TopicProbe rejections = TopicProbe.tail(Topics.ADAPTER_REJECTED);
             TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            Response accepted = upload(gw, hospitalB, branch, "{\"task\":\"tops\",\"description\":\"tops classifier\"}",
                    SubmissionParts.of(PipelineFixtures.adapter(601)));
            assertEquals(202, accepted.statusCode(), accepted.asString());
            String id = accepted.path("submissionId");

            SubmissionStatus last = EventCodec.decode(hospitalBStream.await("submission.status", data -> {
                SubmissionStatus status = EventCodec.decode(data, SubmissionStatus.class).data();
                return status.submissionId().equals(id) && status.stage().terminal();
            }, WAIT).data(), SubmissionStatus.class).data();
            assertEquals(SubmissionStatus.Stage.REJECTED, last.stage());
            assertEquals("TASK_NOT_OWNED task", last.detail());
            AdapterRejected rejection = rejections.awaitEvent(AdapterRejected.class, r -> r.submissionId().equals(id), WAIT).data();
            assertEquals(1, rejection.reasons().size(), rejection.reasons().toString());
            assertEquals("TASK_NOT_OWNED", rejection.reasons().get(0).code());
            assertEquals("task", rejection.reasons().get(0).field());
            assertFalse(rejection.reasons().get(0).message().contains("hospital-a"), rejection.reasons().get(0).message());

            JsonPath status = awaitStage(() -> given().auth().oauth2(hospitalB).get(gw + "/api/v1/submissions/{id}", id), "REJECTED");
            assertEquals("hospital-b", status.getString("institution"));
            assertEquals(List.of("RECEIVED", "REJECTED"), status.getList("history.stage"));
            assertEquals(List.of(), publishedVersions(published, branch), "no model.published for the branch");
        }
        given().auth().oauth2(KeycloakTokens.user("viewer")).get(gw + "/api/v1/branches/{b}/versions", branch).then()
                .statusCode(200).body("", org.hamcrest.Matchers.hasSize(0));
        given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}", branch).then().body("headVersion", org.hamcrest.Matchers.is(0));
    }

    /** The operator registers a branch with the gate opened wide through the gateway, and hospital-a its task "tops" on it. */
    private static String gatewayBranchWithTops(String gw, String hospitalA) throws Exception {
        String branch = "gw-pipeline-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(KeycloakTokens.user("ops")).contentType(ContentType.JSON)
                .body(Map.of("id", branch, "baseModel", baseModel(), "policy", OPEN_GATE))
                .post(gw + "/api/v1/branches")
                .then().statusCode(201);
        given().auth().oauth2(hospitalA).contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "classNames", PipelineFixtures.TOPS,
                        "evaluationSuite", PipelineFixtures.storeLabeledImages(store, PipelineFixtures.TOPS.size(), 25, 17)))
                .post(gw + "/api/v1/branches/{b}/tasks", branch)
                .then().statusCode(201);
        return branch;
    }

    /** The multipart upload {@code medforge submit} makes: the manifest and the four parts, with the institution's token. */
    private static Response upload(String gw, String token, String branch, String manifest, SubmissionParts parts) {
        RequestSpecification upload = given().auth().oauth2(token).contentType("multipart/form-data")
                .multiPart("manifest", "manifest.json", manifest.getBytes(StandardCharsets.UTF_8), "application/json");
        parts.byPartName().forEach((name, bytes) -> upload.multiPart(name, name, bytes, "application/octet-stream"));
        return upload.post(gw + "/api/v1/branches/{b}/submissions", branch);
    }

    /**
     * {@code medforge demo --quick} from the packaged CLI, against this pipeline's gateway: every
     * step is a child {@code medforge} process with real Keycloak sign-ins, uploads and SSE waits.
     * Quick adapters are weak, and yet no honest one may be gated out: the fallback branch's
     * task-conditioned mixture keeps every institution whole. So the demo exits 0, version 1 is
     * hospital-a's adapter, each version contains the one before it and the last holds all three
     * institutions, the poisoned copy is rejected for its norm, and every submission has a latency.
     */
    @Test
    void theDemoTellsTheFashion3StoryThroughTheGateway() throws Exception {
        String gw = gateway();
        Path work = Files.createTempDirectory(scratch, "demo-");
        Path summary = work.resolve("demo.json");
        String log = packagedCli(work.resolve("demo.log"), "demo", "--quick", "--gateway", gw, "--work", work.toString(),
                "--json", summary.toString(), "--timeout", "600");

        JsonNode result = new ObjectMapper().readTree(summary.toFile());
        // Issue 16: the subscriber's evaluate recomputes eval-service's numbers, for every task of the head.
        JsonNode subscriber = result.path("subscriber");
        assertEquals(3, subscriber.path("version").asInt(), result.toString());
        for (String task : List.of("tops", "footwear", "garments")) {
            assertEquals(1000, subscriber.path(task).path("predicted").asInt(), "predict --limit 1000 on " + task + ": " + subscriber);
            assertTrue(subscriber.path(task).path("matchesModelCard").asBoolean(), task + "'s evaluate matches its card: " + subscriber);
        }
        JsonNode versions = result.path("versions");
        assertTrue(versions.size() >= 1, log);
        assertEquals(1, versions.get(0).path("version").asInt());
        assertEquals("[\"hospital-a\"]", versions.get(0).path("institutions").toString());
        for (int v = 1; v < versions.size(); v++) {
            List<String> earlier = new ArrayList<>();
            versions.get(v - 1).path("submissions").forEach(id -> earlier.add(id.asText()));
            List<String> later = new ArrayList<>();
            versions.get(v).path("submissions").forEach(id -> later.add(id.asText()));
            assertTrue(later.containsAll(earlier) && later.size() > earlier.size(), "version " + (v + 1) + " extends version " + v);
        }
        assertEquals(1, result.path("rejected").size(), result.toString());
        assertEquals("[\"NORM_BOUND\"]", result.path("rejected").get(0).path("codes").toString());
        assertEquals(0, result.path("gatedOut").size(), "no honest adapter gated out: " + result);
        assertEquals(3, versions.size(), "one version per honest adapter: " + result);
        assertEquals("[\"hospital-a\",\"hospital-b\",\"hospital-c\"]", versions.get(2).path("institutions").toString());
        assertEquals(versions.size() + 1, result.path("latencySeconds").size(), result.toString());
        System.out.printf(Locale.ROOT, "Demo (--quick): exit 0, %d version(s)%n", versions.size());
    }

    /**
     * Issue 12 item 5: {@code medforge loadtest --quick} from the packaged CLI drives four
     * institutions of its own (Keycloak accounts it makes) through this pipeline's gateway at
     * Poisson arrivals, two rounds each (a second adapter for the same task, as an update). It
     * asserts completeness only: every submission reaches a final stage, each is published (the load
     * test's gate is off), every version holds the one before it, the last serves the four tasks
     * with all eight adapters, and each version reports the merge and evaluation work time it cost.
     * The figures are for the note, not for a test.
     */
    @Test
    void theLoadTestEndsEverySubmissionAndEachVersionHoldsTheOnesBefore() throws Exception {
        String gw = gateway();
        Path work = Files.createTempDirectory(scratch, "loadtest-");
        Path report = work.resolve("loadtest.json");
        String metrics = String.join(",", registry, CALLERS.get("adapter-ingest-service").url(), CALLERS.get("merge-service").url(),
                CALLERS.get("eval-service").url());
        String log = packagedCli(work.resolve("loadtest.log"), "loadtest", "--quick", "--institutions", "4", "--rounds", "2", "--rate", "20",
                "--gateway", gw, "--metrics", metrics, "--work", work.toString(), "--json", report.toString(),
                "--plot", work.resolve("loadtest.svg").toString(), "--timeout", "600");

        JsonNode result = new ObjectMapper().readTree(report.toFile());
        assertEquals(8, result.path("submissions").asInt(), log);
        assertEquals(8, result.path("final").asInt(), log);
        assertEquals(8, result.path("outcomes").path("PUBLISHED").asInt(), "the load test's gate is off: " + result.path("outcomes"));
        JsonNode versions = result.path("versions");
        assertTrue(versions.size() >= 1 && versions.size() <= 8, result.toString());
        Set<String> published = new java.util.HashSet<>();
        for (JsonNode submission : result.path("perSubmission")) {
            assertTrue(submission.path("version").isInt(), "every submission names the version that took it in: " + submission);
            published.add(submission.path("submission").asText());
        }
        assertEquals(8, published.size());
        assertEquals(8, versions.get(versions.size() - 1).path("adapters").asInt(), "the last version holds every submission");
        assertEquals(4, versions.get(versions.size() - 1).path("tasks").asInt(), "two rounds of four tasks are four tasks");
        for (JsonNode version : versions) {
            assertTrue(version.path("mergeSeconds").asDouble() > 0 && version.path("evalSeconds").asDouble() > 0,
                    "each version reports its work time: " + version);
        }
        double p50 = result.path("latencySeconds").path("p50").asDouble();
        assertTrue(p50 > 0 && p50 <= result.path("latencySeconds").path("max").asDouble(), result.path("latencySeconds").toString());
        assertTrue(result.path("registryDecisions").path("published").asInt() >= versions.size(),
                "the registry's own count of publications was read: " + result.path("registryDecisions"));
        assertTrue(Files.readString(work.resolve("loadtest.svg")).contains("<circle"));
        // The floor comes from 'medforge floor' in a process started as the eval service is, and beside it libgomp's default.
        JsonNode evaluation = result.path("evaluation");
        assertEquals(System.getenv().getOrDefault("OMP_WAIT_POLICY", "PASSIVE"), evaluation.path("floor").path("ompWaitPolicy").asText(),
                evaluation.toString());
        assertTrue(evaluation.path("floor").path("imagesPerSecond").asDouble() > 0 && evaluation.path("ratioToFloor").asDouble() > 0,
                evaluation.toString());
        assertTrue(evaluation.path("floorDefaultPolicy").path("imagesPerSecond").asDouble() > 0, evaluation.toString());
        System.out.printf(Locale.ROOT, "Load test (--quick, 4 institutions, 2 rounds): %d version(s), p50 %.1f s, p95 %.1f s%n", versions.size(), p50,
                result.path("latencySeconds").path("p95").asDouble());
    }

    /** Runs the packaged CLI with {@code args}, its output into {@code log}; fails unless it exits 0 within 15 minutes. */
    private static String packagedCli(Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("..", "cli", "target", "medforge-cli.jar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OMP_NUM_THREADS", "2");
        Process process = builder.start();
        boolean finished = process.waitFor(15, java.util.concurrent.TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertTrue(finished, "medforge " + args[0] + " did not finish in 15 minutes:\n" + output);
        assertEquals(0, process.exitValue(), "medforge " + args[0] + " exit " + process.exitValue() + ":\n" + output);
        return output;
    }

    /**
     * Issue 4, test 3b: an adapter that breaks another task is gated out with the reason, and the
     * head does not move. hospital-a's evaluation suite for "tops" is labelled with what its own
     * adapter predicts, so version 1 scores (nearly) 100% and any change to the shared encoder
     * shows. hospital-b's "footwear" adapter is a random LoRA scaled to a delta-W norm of 40 in
     * every module, under the branch bound of 50, so ingest passes it; its distilled set is labelled
     * by the adapter itself, so the fusion search keeps it at full weight. The gate allows 2 points
     * of regression and ignores the new-task gap, so the only reason left is the broken "tops".
     * Everything is seeded (fixtures, images and the merge search), so the outcome is the same on
     * every run; ml-core's merge of these exact inputs takes "tops" from 100% to 25%.
     */
    @Test
    void anAdapterThatBreaksAnotherTaskIsGatedOutWithTheReasonAndTheHeadDoesNotMove() throws Exception {
        GateScenario scenario = gateScenario(2.0);
        String branch = scenario.branch();
        AdapterSubmitted first = scenario.first();
        AdapterSubmitted breaking = scenario.breaking();

        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe evaluated = TopicProbe.tail(Topics.COMPOSITE_EVALUATED);
             TopicProbe statuses = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", first));
            published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch) && p.version() == 1, WAIT);

            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", breaking));
            CompositeEvaluated verdict = evaluated.awaitEvent(CompositeEvaluated.class, e -> e.branch().equals(branch)
                    && e.adapters().stream().anyMatch(a -> a.submissionId().equals(breaking.submissionId())), WAIT).data();
            double before = verdict.parentMetrics().get("tops").accuracy();
            double after = verdict.metrics().get("tops").accuracy();
            assertTrue(before > 0.9, "version 1 scores its own predictions: " + before);
            assertTrue(before - after > 0.02, "tops fell by more than 2 points: " + before + " -> " + after);
            assertFalse(verdict.decision().passed());
            assertEquals(1, verdict.decision().reasons().size(), "only tops is named: " + verdict.decision().reasons());
            assertTrue(verdict.decision().reasons().get(0).startsWith("tops: accuracy fell"), verdict.decision().reasons().get(0));
            System.out.printf(Locale.ROOT, "Gate: footwear merged with coefficients %s gated out: %s%n",
                    verdict.coefficients(), verdict.decision().reasons());

            SubmissionStatus gated = statuses.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(breaking.submissionId())
                    && s.stage() == SubmissionStatus.Stage.GATED_OUT, WAIT).data();
            assertTrue(gated.detail().contains("tops: accuracy fell"), gated.detail());
            // GATED_OUT leaves the registry's outbox after anything that transaction could have published.
            assertEquals(List.of(1), publishedVersions(published, branch), "no model.published for version 2");
        }
        JsonPath status = awaitStage(() -> given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/submissions/{id}", breaking.submissionId()), "GATED_OUT");
        assertEquals(List.of("VALIDATED", "MERGED", "EVALUATED", "GATED_OUT"), status.getList("history.stage"));
        assertTrue(status.getString("history[-1].detail").contains("tops: accuracy fell"), status.getString("history[-1].detail"));
        given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}", branch).then().body("headVersion", org.hamcrest.Matchers.is(1));
        given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}/versions", branch).then().body("version", contains(1));
    }

    /**
     * Issue 12: a group shares no verdict. hospital-c's "garments" adapter and the footwear adapter
     * that breaks "tops" (as above) are validated together, so the merge worker puts them in one
     * composite on version 1 (group commit), and the gate refuses it. The registry splits the group:
     * garments alone is published, footwear alone is gated out with the reason. The two validated
     * events go out as one record batch, the way ingest's output reaches one poll, so the group forms
     * on every run; the gate allows 10 points here, which garments keeps and footwear does not.
     */
    @Test
    void aGroupWithOneAdapterThatBreaksAnotherTaskPublishesTheGoodOneAndGatesOutTheBadOne() throws Exception {
        GateScenario scenario = gateScenario(10.0);
        String branch = scenario.branch();
        Adapter garmentsAdapter = TestAdapters.random(PipelineFixtures.BASE, "garments", 3, 8, 8f, 403);
        float[] garmentsImages = SubmissionParts.blobs(30, 13);
        LabeledImages garmentsDistilled;
        try (ModelSession session = ModelSession.open(PipelineFixtures.BASE)) {
            garmentsDistilled = new LabeledImages(garmentsImages,
                    predictions(session.probabilities(garmentsImages, 30, garmentsAdapter.modules(), garmentsAdapter.head())), 3, 28, 28);
        }
        PipelineFixtures.registerTask(registry, branch, "garments", "hospital-c", 3, PipelineFixtures.storeLabeledImages(store, 3, 20, 6));
        AdapterSubmitted garments = SubmissionParts.of(garmentsAdapter, garmentsDistilled)
                .store(store, "hospital-c", branch, "garments", Map.of("description", "garments classifier"));
        AdapterSubmitted breaking = scenario.breaking();

        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe evaluated = TopicProbe.tail(Topics.COMPOSITE_EVALUATED);
             TopicProbe statuses = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", scenario.first()));
            published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch) && p.version() == 1, WAIT);

            TopicProbe.sendTogether(Topics.ADAPTER_VALIDATED, List.of(
                    EventEnvelope.wrap("pipeline-test", asValidated(garments)), EventEnvelope.wrap("pipeline-test", asValidated(breaking))));
            CompositeEvaluated group = evaluated.awaitEvent(CompositeEvaluated.class, e -> e.branch().equals(branch)
                    && e.adapters().stream().anyMatch(a -> a.submissionId().equals(breaking.submissionId())), WAIT).data();
            assertEquals(List.of(garments.submissionId(), breaking.submissionId()),
                    group.adapters().stream().map(AdapterRef::submissionId).toList(), "the two arrived as one group");
            assertFalse(group.decision().passed(), "the group's composite breaks tops: " + group.metrics());

            SubmissionStatus gated = statuses.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(breaking.submissionId())
                    && s.stage() == SubmissionStatus.Stage.GATED_OUT, WAIT).data();
            assertTrue(gated.detail().contains("tops: accuracy fell"), gated.detail());
            statuses.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(garments.submissionId())
                    && s.stage() == SubmissionStatus.Stage.PUBLISHED, WAIT);
            ModelPublished v2 = published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch) && p.version() == 2, WAIT).data();
            assertEquals(List.of(garments.submissionId()), v2.submissionIds());
            System.out.printf(Locale.ROOT, "Split: the group failed (%s); garments is version 2, footwear gated out: %s%n",
                    group.decision().reasons(), gated.detail());
        }
        JsonPath good = awaitStage(() -> given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/submissions/{id}",
                garments.submissionId()), "PUBLISHED");
        assertTrue(good.getList("history.detail", String.class).stream().anyMatch(d -> d != null && d.contains("the group is split")),
                "the history tells of the split: " + good.getList("history"));
        awaitStage(() -> given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/submissions/{id}", breaking.submissionId()),
                "GATED_OUT");
        given().auth().oauth2(GATEWAY.token()).get(registry + "/internal/branches/{b}/versions", branch).then().body("version", contains(1, 2));
    }

    /**
     * A branch whose gate allows {@code maxRegression} points, with hospital-a's "tops" (its suite
     * labelled by its own adapter, so version 1 scores nearly 100%) and hospital-b's "footwear", whose
     * adapter breaks tops at a delta-W norm under the branch's bound; see the test above.
     */
    private static GateScenario gateScenario(double maxRegression) throws Exception {
        String branch = "gate-" + UUID.randomUUID().toString().substring(0, 8);
        postBranch(branch, Map.of("maxRegression", maxRegression, "maxNewTaskGap", 100.0))
                .then().statusCode(201).body("policy.normBound", org.hamcrest.Matchers.is(50.0f));
        Adapter tops = PipelineFixtures.adapter(401);
        Adapter footwear = withDeltaNorm(TestAdapters.random(PipelineFixtures.BASE, "footwear", 3, 8, 8f, 402), 40.0);
        float[] suite = SubmissionParts.blobs(400, 11);
        float[] footwearImages = SubmissionParts.blobs(30, 12);
        LabeledImages topsSuite;
        LabeledImages footwearDistilled;
        try (ModelSession session = ModelSession.open(PipelineFixtures.BASE)) {
            topsSuite = new LabeledImages(suite, predictions(session.probabilities(suite, 400, tops.modules(), tops.head())), 4, 28, 28);
            footwearDistilled = new LabeledImages(footwearImages,
                    predictions(session.probabilities(footwearImages, 30, footwear.modules(), footwear.head())), 3, 28, 28);
        }
        PipelineFixtures.registerTask(registry, branch, "tops", "hospital-a", 4, storeImages(topsSuite));
        PipelineFixtures.registerTask(registry, branch, "footwear", "hospital-b", 3, PipelineFixtures.storeLabeledImages(store, 3, 20, 5));
        return new GateScenario(branch, PipelineFixtures.submission(store, branch, tops), SubmissionParts.of(footwear, footwearDistilled)
                .store(store, "hospital-b", branch, "footwear", Map.of("description", "footwear classifier")));
    }

    private record GateScenario(String branch, AdapterSubmitted first, AdapterSubmitted breaking) {
    }

    /** What ingest would say of {@code submitted}: valid, rank 8 in the fixtures' modules. */
    private static AdapterValidated asValidated(AdapterSubmitted submitted) {
        return new AdapterValidated(submitted.submissionId(), submitted.institution(), submitted.branch(), submitted.task(),
                submitted.artifacts(), new AdapterValidated.ValidationReport(8, List.of("q_proj", "v_proj"), 40.0, 30, List.of()));
    }

    /** The same adapter with every module's factor B scaled so that its delta-W has Frobenius norm {@code norm}. */
    private static Adapter withDeltaNorm(Adapter adapter, double norm) {
        Adapter scaled = adapter;
        for (Map.Entry<String, LoraModule> module : adapter.modules().entrySet()) {
            scaled = scaled.withModuleScaled(module.getKey(), (float) (norm / module.getValue().deltaNorm()));
        }
        return scaled;
    }

    private static int[] predictions(float[][] scores) {
        return Arrays.stream(scores).mapToInt(dev.medforge.ml.metrics.Scoring::argMax).toArray();
    }

    private static String storeImages(LabeledImages images) throws Exception {
        Path file = Files.createTempFile(scratch, "suite-", ".safetensors");
        DistilledSetIO.write(images, file);
        return store.put(Files.readAllBytes(file)).toString();
    }

    /** Polls a submission's status until it reaches {@code stage}: the registry records it after the event that tells of it. */
    private static JsonPath awaitStage(Supplier<Response> get, String stage) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            Response response = get.get();
            if (response.statusCode() == 200 && stage.equals(response.path("stage"))) {
                return response.jsonPath();
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("submission not " + stage + " within 30 s: " + response.statusCode() + " " + response.asString());
            }
            Thread.sleep(200);
        }
    }

    /** Sends each submission after the one before it is published, so that each becomes the next version; returns those versions. */
    private static List<ModelPublished> publishOneByOne(TopicProbe published, String branch, List<AdapterSubmitted> submissions) {
        int head = internal("/internal/branches/{b}", branch).path("headVersion");
        List<ModelPublished> versions = new ArrayList<>();
        for (AdapterSubmitted submission : submissions) {
            int version = head + versions.size() + 1;
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("pipeline-test", submission));
            versions.add(published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch) && p.version() == version, WAIT).data());
        }
        return versions;
    }

    /** The registry call the gateway makes when an operator forks {@code source} at {@code version}; returns the fork's id. */
    private static String fork(String source, int version) {
        String fork = "fork-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(GATEWAY.token()).contentType(ContentType.JSON)
                .body(Map.of("id", fork, "fromBranch", source, "fromVersion", version))
                .post(registry + "/internal/branches")
                .then().statusCode(201).body("headVersion", org.hamcrest.Matchers.is(1));
        return fork;
    }

    /** {@code medforge withdraw}: {@code user} asks the gateway to take {@code submission} out of {@code branch}. */
    private static Response withdraw(String gw, String user, String branch, String submission) {
        return given().auth().oauth2(KeycloakTokens.user(user)).post(gw + "/api/v1/branches/{b}/submissions/{id}/withdrawal", branch, submission);
    }

    /** A GET on the registry's internal API, as the gateway makes it. */
    private static Response internal(String path, Object... parameters) {
        return given().auth().oauth2(GATEWAY.token()).get(registry + path, parameters);
    }

    private static Supplier<Response> submissionAt(String id) {
        return () -> internal("/internal/submissions/{id}", id);
    }

    /** Every version's model card of {@code branch}, as the registry serves them. */
    private static List<String> cards(String branch) {
        List<Integer> versions = internal("/internal/branches/{b}/versions", branch).path("version");
        return versions.stream().map(v -> internal("/internal/branches/{b}/versions/{v}", branch, v).asString()).toList();
    }

    private static List<String> ids(List<AdapterRef> adapters) {
        return adapters.stream().map(AdapterRef::submissionId).toList();
    }

    /** One adapter for each fashion3 task, from hospitals a, b and c, with seeds {@code seed}, +1, +2. */
    private static List<AdapterSubmitted> threeInstitutions(String branch, long seed) {
        return List.of(
                PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(seed)),
                submission("hospital-b", branch, TestAdapters.random(PipelineFixtures.BASE, "footwear", 3, 8, 8f, seed + 1)),
                submission("hospital-c", branch, TestAdapters.random(PipelineFixtures.BASE, "garments", 3, 8, 8f, seed + 2)));
    }

    /** What the gateway would emit when {@code institution} submits {@code adapter} for its task. */
    private static AdapterSubmitted submission(String institution, String branch, Adapter adapter) {
        return SubmissionParts.of(adapter).store(store, institution, branch, adapter.task(),
                Map.of("description", adapter.task() + " classifier, 3 epochs"));
    }

    /** The test base model, stored once: what an operator registers a branch with. */
    private static synchronized Map<String, Object> baseModel() throws Exception {
        if (baseModel == null) {
            Path dir = Files.createTempDirectory(scratch, "base-");
            PipelineFixtures.BASE.save(dir);
            baseModel = Map.of("id", PipelineFixtures.BASE.config().id(),
                    "digest", store.put(Files.readAllBytes(dir.resolve(BaseModel.WEIGHTS_FILE))).toString(),
                    "architecture", Files.readString(dir.resolve(BaseModel.ARCHITECTURE_FILE)));
        }
        return baseModel;
    }

    /** A branch with the fashion3 tasks (random evaluation suites) and a gate opened wide. */
    private static String fashion3Branch() {
        String branch = PipelineFixtures.newBranch(store, registry, OPEN_GATE);
        registerFootwearAndGarments(branch, 20);
        return branch;
    }

    /**
     * As {@link #fashion3Branch()}, with evaluation suites of {@code perClass} images a class for
     * every task: an evaluation of the usual suites lasts a few hundred milliseconds once eval is
     * warm, too short a window for a drill to be sure of killing the service inside it.
     */
    private static String fashion3BranchWithSuitesOf(int perClass) throws Exception {
        String branch = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        postBranch(branch, OPEN_GATE).then().statusCode(201);
        PipelineFixtures.registerTask(registry, branch, "tops", "hospital-a", PipelineFixtures.TOPS.size(),
                PipelineFixtures.storeLabeledImages(store, PipelineFixtures.TOPS.size(), perClass, 17));
        registerFootwearAndGarments(branch, perClass);
        return branch;
    }

    private static void registerFootwearAndGarments(String branch, int perClass) {
        PipelineFixtures.registerTask(registry, branch, "footwear", "hospital-b", 3, PipelineFixtures.storeLabeledImages(store, 3, perClass, 5));
        PipelineFixtures.registerTask(registry, branch, "garments", "hospital-c", 3, PipelineFixtures.storeLabeledImages(store, 3, perClass, 6));
    }

    /** The registry call the gateway makes when an operator registers {@code branch} on the test base model with {@code policy}. */
    private static Response postBranch(String branch, Map<String, ?> policy) throws Exception {
        return given().auth().oauth2(GATEWAY.token()).contentType(ContentType.JSON)
                .body(Map.of("id", branch, "baseModel", baseModel(), "policy", policy))
                .post(registry + "/internal/branches");
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

    private static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
