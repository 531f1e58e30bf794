package dev.medforge.ingest.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterRejected;
import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;
import dev.medforge.contracts.events.AdapterValidated;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.testing.MalformedEvents;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.contracts.testing.RegistryTestResource;
import dev.medforge.ml.store.PipelineFixtures;
import dev.medforge.ml.distill.PrivacyReport;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.privacy.AttackResult;
import dev.medforge.ml.privacy.MembershipAudit;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.medforge.contracts.testing.ServiceIdentity.GATEWAY;
import static dev.medforge.ml.store.PipelineFixtures.adapter;
import static dev.medforge.ml.store.PipelineFixtures.submission;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against the real broker, the real registry and real adapter files: submissions in, decisions out. */
@QuarkusTest
@QuarkusTestResource(value = RegistryTestResource.class, restrictToAnnotatedClass = true)
class SubmissionConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ArtifactStore store;

    @ConfigProperty(name = "quarkus.rest-client.registry.url")
    String registryUrl;

    @Test
    void aWellFormedAdapterIsValidatedWithItsReport() {
        AdapterSubmitted submission = submission(store, branch(), adapter(1));

        try (TopicProbe validated = TopicProbe.tail(Topics.ADAPTER_VALIDATED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("test", submission));

            AdapterValidated result = validated.awaitEvent(AdapterValidated.class,
                    v -> v.submissionId().equals(submission.submissionId()), WAIT).data();
            assertEquals(8, result.report().rank());
            assertEquals(40, result.report().distilledImages());
            assertEquals(adapter(1).maxDeltaNorm(), result.report().maxDeltaNorm(), 1e-9);
            assertEquals(1.1, result.report().privacy().minNearestRealRatio(), 1e-12, "the declared figures go on to the card");
            assertEquals(submission.artifacts(), result.artifacts());
            EventEnvelope<SubmissionStatus> stage = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(submission.submissionId()), WAIT);
            assertEquals(Stage.VALIDATED, stage.data().stage());
            assertEquals("adapter-ingest-service", stage.source());
        }
        // The per-stage latency breakdown rests on these: how long the event queued, how long validation took.
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("medforge_queue_wait_seconds_count{topic=\"medforge.adapter.submitted\"}"))
                .body(containsString("medforge_ingest_duration_seconds_count"))
                // Buckets, so that the console can read percentiles summed over instances (TimerHistograms).
                .body(containsString("medforge_queue_wait_seconds_bucket{topic=\"medforge.adapter.submitted\",le=\"+Inf\""));
    }

    @Test
    void aPoisonedAdapterIsRejectedForItsNormNamingTheLayer() {
        Adapter honest = adapter(2);
        String layer = honest.modules().keySet().iterator().next();

        List<RejectionReason> reasons = rejectionOf(submission(store, branch(), honest.withModuleScaled(layer, 1000f)));

        assertEquals(1, reasons.size(), reasons.toString());
        assertEquals("NORM_BOUND", reasons.get(0).code());
        assertEquals(layer, reasons.get(0).field());
    }

    @Test
    void identifiersInTheManifestAreRefusedNamingTheField() {
        AdapterSubmitted submission = submission(store, branch(), adapter(3),
                Map.of("description", "questions to jane.doe@hospital-a.example", "notes", List.of("ok", "DOB: 1961-04-12")),
                r -> r);

        List<RejectionReason> reasons = rejectionOf(submission);

        assertEquals(List.of("PHI_DETECTED", "PHI_DETECTED"), reasons.stream().map(RejectionReason::code).toList());
        assertEquals(List.of("manifest.description", "manifest.notes[1]"),
                reasons.stream().map(RejectionReason::field).sorted().toList());
    }

    /** Issue 9: only the manifest was scanned, and refused identifiers stayed in the artifact store. */
    @Test
    void identifiersInTheStoredPartsAreRefusedAndThosePartsDeleted() throws Exception {
        AdapterSubmitted honest = submission(store, branch(), adapter(12));
        ObjectNode config = (ObjectNode) JSON.readTree(store.getBytes(ArtifactDigest.parse(honest.artifacts().adapterConfig())));
        config.put("revision", "MRN_A1234567");
        ObjectNode report = (ObjectNode) JSON.readTree(store.getBytes(ArtifactDigest.parse(honest.artifacts().privacyReport())));
        report.put("note", "born on March 3rd 1961");
        byte[] distilled = withMetadata(store.getBytes(ArtifactDigest.parse(honest.artifacts().distilled())),
                "pt, ask ｊ\u200bdoe＠clinic.example.org");
        AdapterSubmitted leaky = new AdapterSubmitted(honest.submissionId(), honest.institution(), honest.branch(), honest.task(),
                new SubmittedArtifacts(store.put(JSON.writeValueAsBytes(config)).toString(), honest.artifacts().adapterModel(),
                        store.put(distilled).toString(), store.put(JSON.writeValueAsBytes(report)).toString()),
                honest.manifest());

        try (TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            List<RejectionReason> reasons = rejectionOf(leaky);

            assertEquals(List.of("adapter_config.revision", "distilled.__metadata__.format", "privacy_report.note"),
                    reasons.stream().map(RejectionReason::field).sorted().toList(), reasons.toString());
            assertTrue(reasons.stream().allMatch(r -> r.code().equals("PHI_DETECTED")), reasons.toString());
            assertFalse(store.contains(ArtifactDigest.parse(leaky.artifacts().adapterConfig())), "adapter_config kept");
            assertFalse(store.contains(ArtifactDigest.parse(leaky.artifacts().distilled())), "distilled kept");
            assertFalse(store.contains(ArtifactDigest.parse(leaky.artifacts().privacyReport())), "privacy_report kept");
            assertTrue(store.contains(ArtifactDigest.parse(leaky.artifacts().adapterModel())), "a clean part is not deleted");
            SubmissionStatus rejected = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(leaky.submissionId()), WAIT).data();
            assertEquals(Stage.REJECTED, rejected.stage());
            assertTrue(rejected.detail().contains("PHI_DETECTED privacy_report.note"), rejected.detail());
        }
    }

    /** The same safetensors file with {@code __metadata__.format} set to {@code format}. */
    private static byte[] withMetadata(byte[] file, String format) throws Exception {
        int headerLength = (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) JSON.readTree(Arrays.copyOfRange(file, 8, 8 + headerLength));
        header.putObject("__metadata__").put("format", format);
        byte[] newHeader = JSON.writeValueAsBytes(header);
        return ByteBuffer.allocate(8 + newHeader.length + file.length - 8 - headerLength).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(newHeader.length).put(newHeader).put(file, 8 + headerLength, file.length - 8 - headerLength).array();
    }

    @Test
    void aHeadThatDoesNotFitTheTaskIsAShapeError() {
        Adapter fiveClasses = dev.medforge.ml.lora.TestAdapters.random(PipelineFixtures.BASE, "tops", 5, 8, 8f, 4);

        List<RejectionReason> reasons = rejectionOf(submission(store, branch(), fiveClasses));

        assertTrue(reasons.stream().anyMatch(r -> r.code().equals("SHAPE") && r.field().endsWith("head.class_embeddings")),
                reasons.toString());
    }

    @Test
    void aPrivacyReportWithAMemorisedImageOrMissingImagesIsRefused() {
        List<RejectionReason> tooClose = rejectionOf(submission(store, branch(), adapter(5), Map.of(), report -> {
            List<PrivacyReport.Entry> entries = new ArrayList<>(report.images());
            entries.set(7, new PrivacyReport.Entry(7, 3, 0.2, 0.03));
            return new PrivacyReport(report.typicalRealNearestNeighbour(), report.realSampled(), 0.03, entries);
        }));
        List<RejectionReason> partial = rejectionOf(submission(store, branch(), adapter(6), Map.of(),
                report -> new PrivacyReport(report.typicalRealNearestNeighbour(), report.realSampled(), report.minRatio(),
                        report.images().subList(0, 12))));

        List<RejectionReason> nullEntry = rejectionOf(submission(store, branch(), adapter(7), Map.of(), report -> {
            List<PrivacyReport.Entry> entries = new ArrayList<>(report.images());
            entries.set(2, null);
            return new PrivacyReport(report.typicalRealNearestNeighbour(), report.realSampled(), report.minRatio(), entries);
        }));

        assertEquals("privacy_report.images[7].ratio", tooClose.get(0).field());
        assertEquals("PRIVACY_NN_RATIO", tooClose.get(0).code());
        assertEquals("privacy_report.images", partial.get(0).field());
        assertEquals(List.of(new RejectionReason("PRIVACY_REPORT", "privacy_report.images[2]",
                "an entry is null; each image needs {index, label, nearestRealDistance, ratio}")), nullEntry,
                "a null entry is a rejection that names it, not a crash that leaves the submission RECEIVED");
    }

    /** Issue 13: each privacy rule of the branch's policy, refused through the real broker and registry with its code. */
    @Test
    void eachPrivacyRuleOfTheBranchPolicyIsEnforcedWithItsCode() throws Exception {
        String capped = PipelineFixtures.newBranch(store, registryUrl, Map.of("maxDistilledPerClass", 5));
        String auditRequired = PipelineFixtures.newBranch(store, registryUrl, Map.of("privacyAuditRequired", true));
        String strictRatio = PipelineFixtures.newBranch(store, registryUrl, Map.of("minNearestRealRatio", 1.5));

        List<RejectionReason> cap = rejectionOf(submission(store, capped, adapter(13)));
        List<RejectionReason> missing = rejectionOf(submission(store, auditRequired, adapter(14)));
        List<RejectionReason> ratio = rejectionOf(submission(store, strictRatio, adapter(15)));
        List<RejectionReason> mia = rejectionOf(audited(submission(store, branch(), adapter(16)), 0.66, null));

        assertEquals(List.of("DISTILLED_CAP"), cap.stream().map(RejectionReason::code).distinct().toList(), cap.toString());
        assertEquals("10 images of class 0 exceed the branch's maxDistilledPerClass of 5", cap.get(0).message());
        assertEquals(List.of("PRIVACY_AUDIT_MISSING"), missing.stream().map(RejectionReason::code).toList());
        assertEquals("privacy_report.membershipAudit", missing.get(0).field());
        assertEquals(40, ratio.size(), "every image of the fixture is at 1.1, under the branch's 1.5");
        assertTrue(ratio.stream().allMatch(r -> r.code().equals("PRIVACY_NN_RATIO")), ratio.toString());
        assertEquals(List.of(new RejectionReason("PRIVACY_MIA", "privacy_report.membershipAudit.attacks.distance.ciHigh",
                "the distance attack's AUC 0.610 has an upper 95% bound of 0.660, above the branch's maxMembershipAuc 0.600")), mia);
    }

    /** Issue 13: the operator tightens the branch's policy through the API; the very next submission is held to it. */
    @Test
    void aPolicyChangeThroughTheApiTakesEffectOnTheNextSubmission() throws Exception {
        String branch = branch();
        try (TopicProbe validated = TopicProbe.tail(Topics.ADAPTER_VALIDATED)) {
            AdapterSubmitted first = audited(submission(store, branch, adapter(17)), 0.58, null);
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("test", first));
            validated.awaitEvent(AdapterValidated.class, v -> v.submissionId().equals(first.submissionId()), WAIT);
        }

        given().baseUri(registryUrl).auth().oauth2(GATEWAY.token()).contentType("application/json")
                .body(Map.of("maxMembershipAuc", 0.55)).put("/internal/branches/{b}/policy", branch).then()
                .statusCode(200).body("policy.maxMembershipAuc", is(0.55f));
        List<RejectionReason> reasons = rejectionOf(audited(submission(store, branch, adapter(18)), 0.58, null));

        assertEquals(List.of("PRIVACY_MIA"), reasons.stream().map(RejectionReason::code).toList());
        assertTrue(reasons.get(0).message().endsWith("above the branch's maxMembershipAuc 0.550"), reasons.get(0).message());
    }

    /** Issue 13: an audit of another distilled set or adapter says nothing about the files submitted. */
    @Test
    void aReportWhoseAuditDigestsDoNotMatchTheSubmittedFilesIsRefused() throws Exception {
        AdapterSubmitted honest = submission(store, branch(), adapter(19));
        String otherSet = PipelineFixtures.storeLabeledImages(store, PipelineFixtures.TOPS.size(), 10, 99);

        List<RejectionReason> reasons = rejectionOf(audited(honest, 0.55, otherSet));

        assertEquals(List.of(new RejectionReason("PRIVACY_REPORT_MISMATCH", "privacy_report.membershipAudit.distilledDigest",
                "the audit covered distilled set " + otherSet + ", the submitted one is " + honest.artifacts().distilled())), reasons);
    }

    /**
     * {@code submission} with a membership audit added to its privacy report: the distance attack's
     * upper bound {@code ciHigh}, covering the submitted adapter and {@code distilledDigest} (null: the
     * submitted distilled set).
     */
    private AdapterSubmitted audited(AdapterSubmitted submission, double ciHigh, String distilledDigest) throws Exception {
        SubmittedArtifacts artifacts = submission.artifacts();
        PrivacyReport report = JSON.readValue(store.getBytes(ArtifactDigest.parse(artifacts.privacyReport())), PrivacyReport.class);
        AttackResult distance = new AttackResult(ciHigh - 0.05, ciHigh - 0.1, ciHigh, 0.01, 500, 500);
        MembershipAudit audit = new MembershipAudit(500, 3, Map.of(MembershipAudit.DISTANCE, distance),
                Map.of(MembershipAudit.DISTANCE, new AttackResult(1, 1, 1, 1, 500, 500)),
                distilledDigest == null ? artifacts.distilled() : distilledDigest, artifacts.adapterModel());
        String stored = store.put(JSON.writeValueAsBytes(report.withAudit(audit))).toString();
        return new AdapterSubmitted(submission.submissionId(), submission.institution(), submission.branch(), submission.task(),
                new SubmittedArtifacts(artifacts.adapterConfig(), artifacts.adapterModel(), artifacts.distilled(), stored),
                submission.manifest());
    }

    @Test
    void anAdapterForAnotherBaseModelIsABaseMismatch() throws Exception {
        Path peft = Path.of("../../shared/testdata/peft-distilbert-emotion");
        AdapterSubmitted ours = submission(store, branch(), adapter(7));
        AdapterSubmitted foreign = new AdapterSubmitted(ours.submissionId(), ours.institution(), ours.branch(), ours.task(),
                new SubmittedArtifacts(store.put(Files.readAllBytes(peft.resolve("adapter_config.json"))).toString(),
                        store.put(Files.readAllBytes(peft.resolve("adapter_model.safetensors"))).toString(),
                        ours.artifacts().distilled(), ours.artifacts().privacyReport()),
                ours.manifest());

        List<RejectionReason> reasons = rejectionOf(foreign);

        assertEquals("BASE_MISMATCH", reasons.get(0).code());
        assertEquals("base_model_name_or_path", reasons.get(0).field());
        assertTrue(reasons.get(0).message().contains("base model mismatch"), reasons.get(0).message());
    }

    @Test
    void anUnknownTaskOrAMissingPartIsRejectedNamingIt() {
        AdapterSubmitted valid = submission(store, branch(), adapter(8));
        AdapterSubmitted unknownTask = new AdapterSubmitted(valid.submissionId(), valid.institution(), valid.branch(),
                "sleeves", valid.artifacts(), valid.manifest());
        AdapterSubmitted missingPart = submission(store, branch(), adapter(9));
        missingPart = new AdapterSubmitted(missingPart.submissionId(), missingPart.institution(), missingPart.branch(),
                missingPart.task(), new SubmittedArtifacts(missingPart.artifacts().adapterConfig(), "sha256:" + "e".repeat(64),
                missingPart.artifacts().distilled(), missingPart.artifacts().privacyReport()), Map.of());

        assertEquals(List.of(new RejectionReason("UNKNOWN_TASK", "task",
                "branch '" + valid.branch() + "' has no task 'sleeves'; register it before submitting")), rejectionOf(unknownTask));
        RejectionReason missing = rejectionOf(missingPart).get(0);
        assertEquals("ARTIFACT_MISSING", missing.code());
        assertEquals("artifacts.adapterModel", missing.field());
    }

    /** Issue 9: hospital-b naming hospital-a's task would otherwise replace hospital-a's head for it. */
    @Test
    void aSubmissionForAnotherInstitutionsTaskIsRejectedWithoutNamingTheOwner() {
        AdapterSubmitted ours = submission(store, branch(), adapter(11));
        AdapterSubmitted foreign = new AdapterSubmitted(ours.submissionId(), "hospital-b", ours.branch(), ours.task(),
                ours.artifacts(), ours.manifest());

        try (TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            List<RejectionReason> reasons = rejectionOf(foreign);

            assertEquals(List.of(new RejectionReason("TASK_NOT_OWNED", "task", "task 'tops' on branch '" + ours.branch()
                    + "' is registered by another institution; register your own task")), reasons);
            assertFalse(reasons.get(0).message().contains("hospital-a"), reasons.get(0).message());
            SubmissionStatus rejected = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(foreign.submissionId()), WAIT).data();
            assertEquals(Stage.REJECTED, rejected.stage());
            assertEquals("TASK_NOT_OWNED task", rejected.detail());
            assertEquals("hospital-b", rejected.institution());
        }
    }

    @Test
    void aMalformedMessageGoesToTheDeadLetterTopicAndTheNextSubmissionIsStillHandled() {
        AdapterSubmitted next = submission(store, branch(), adapter(10));
        String poison = "{\"this is\": \"not an event " + UUID.randomUUID() + "\"}";

        try (TopicProbe dlq = TopicProbe.tail(Topics.deadLetter(Topics.ADAPTER_SUBMITTED));
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, "main", poison);
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("test", next));

            ConsumerRecord<String, String> dead = dlq.await(r -> r.value().equals(poison), WAIT);
            String reason = new String(dead.headers().lastHeader("dead-letter-reason").value());
            assertTrue(reason.contains("unknown event type"), reason);
            status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(next.submissionId()), WAIT);
        }
    }

    /** Issue 9: a dead-lettered submission used to stay RECEIVED forever, with no reason for its submitter. */
    @Test
    void aSubmittedEventThatDoesNotDecodeEndsItsSubmissionRejectedAsMalformedInputInTheRegistry() {
        String id = UUID.randomUUID().toString();
        String branch = branch();
        String malformed = MalformedEvents.naming(Topics.ADAPTER_SUBMITTED, id, "hospital-a", branch,
                Map.of("task", "tops", "artifacts", "not an object"));

        try (TopicProbe dlq = TopicProbe.tail(Topics.deadLetter(Topics.ADAPTER_SUBMITTED));
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, branch, malformed);

            dlq.await(r -> r.value().equals(malformed), WAIT);
            SubmissionStatus rejected = status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(id), WAIT).data();
            assertEquals(Stage.REJECTED, rejected.stage());
            assertEquals("hospital-a", rejected.institution());
            assertTrue(rejected.detail().startsWith("MALFORMED_INPUT medforge.adapter.submitted: data does not fit AdapterSubmitted"),
                    rejected.detail());
        }
        // The gateway's status endpoint shows exactly what the registry recorded.
        await().atMost(WAIT).untilAsserted(() -> given().baseUri(registryUrl).auth().oauth2(GATEWAY.token()).get("/internal/submissions/{id}", id).then()
                .statusCode(200)
                .body("stage", is("REJECTED"))
                .body("history[0].detail", startsWith("MALFORMED_INPUT medforge.adapter.submitted")));
    }

    private String branch() {
        return PipelineFixtures.newBranch(store, registryUrl);
    }

    /** Submits and returns the reasons of the rejection, failing if the submission is not rejected. */
    private static List<RejectionReason> rejectionOf(AdapterSubmitted submission) {
        try (TopicProbe rejected = TopicProbe.tail(Topics.ADAPTER_REJECTED)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("test", submission));
            return rejected.awaitEvent(AdapterRejected.class, r -> r.submissionId().equals(submission.submissionId()), WAIT)
                    .data().reasons();
        }
    }
}
