package dev.medforge.ml.privacy;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.TestImages;
import dev.medforge.ml.distill.PrivacyReport;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.train.Training;
import dev.medforge.ml.train.TrainingRecipe;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit on a real (random) ViT: it sees a leak where there is one, and no leak where there is none. */
class MembershipAuditTest {
    private static final BaseModel BASE = TestAdapters.randomBase(9);
    private static final LabeledImages TRAIN = TestImages.noise(300, 3, 1);
    private static final LabeledImages HELD_OUT = TestImages.noise(300, 3, 2);

    @Test
    void aSetUnrelatedToTheMembersIsNoLeakAndARealImageSetIsCaught() {
        LabeledImages unrelated = TestImages.noise(30, 3, 3);
        try (ModelSession session = ModelSession.open(BASE)) {
            MembershipAudit audit = MembershipAudit.run(session, unrelated, null, TRAIN, HELD_OUT, 200, 5, line -> { });
            assertEquals(200, audit.candidates());
            assertEquals(List.of(MembershipAudit.DISTANCE, MembershipAudit.FEATURE_DISTANCE), List.copyOf(audit.attacks().keySet()),
                    "no adapter, no adapter attack");
            for (AttackResult r : audit.attacks().values()) {
                assertTrue(r.ciLow() < 0.5 && 0.5 < r.ciHigh(), "members and non-members are alike to an unrelated set: " + r);
            }
            for (AttackResult r : audit.leaky().values()) {
                assertTrue(r.auc() >= 0.9, "a set of real training images is caught: " + r);
            }
        }
    }

    @Test
    void anAdapterOverfittedToItsMembersIsCaughtByTheLossAttack() {
        LabeledImages few = TRAIN.head(24);
        try (ModelSession session = ModelSession.open(BASE)) {
            Adapter overfitted = Training.trainAdapter(session, BASE.reference(), new Training.TaskData("t", few),
                    new TrainingRecipe(60, 8, 1e-2f, 4, 8, 8f), line -> { });
            MembershipAudit audit = MembershipAudit.run(session, TestImages.noise(30, 3, 3), overfitted, few, HELD_OUT, 24, 5, line -> { });
            AttackResult loss = audit.attacks().get(MembershipAudit.ADAPTER_LOSS);
            assertTrue(loss.auc() >= 0.9, "random labels learnt by heart give members a lower loss: " + loss);
        }
    }

    @Test
    void aReportWithTheAuditRoundTripsAndAnOldOneReadsAsVersionOne() throws Exception {
        ObjectMapper json = new ObjectMapper();
        MembershipAudit audit = new MembershipAudit(2, 5, java.util.Map.of(MembershipAudit.DISTANCE, new AttackResult(0.5, 0.4, 0.6, 0.01, 2, 2)),
                java.util.Map.of(MembershipAudit.DISTANCE, new AttackResult(1, 1, 1, 1, 2, 2)), "sha256:" + "a".repeat(64), null);
        PrivacyReport report = new PrivacyReport(6.8, 500, 1.1, List.of(new PrivacyReport.Entry(0, 1, 7.0, 1.1))).withAudit(audit);
        PrivacyReport back = json.readValue(json.writeValueAsString(report), PrivacyReport.class);
        assertEquals(PrivacyReport.WITH_AUDIT, back.schemaVersion());
        assertEquals(audit, back.membershipAudit());
        PrivacyReport old = json.readValue("{\"typicalRealNearestNeighbour\": 6.8, \"realSampled\": 500, \"minRatio\": 1.1,"
                + " \"images\": [{\"index\": 0, \"label\": 1, \"nearestRealDistance\": 7.0, \"ratio\": 1.1}]}", PrivacyReport.class);
        assertEquals(1, old.schemaVersion());
        assertNull(old.membershipAudit());
        PrivacyReport beforeDigests = json.readValue("{\"typicalRealNearestNeighbour\": 6.8, \"realSampled\": 500, \"minRatio\": 1.1,"
                + " \"images\": [], \"schemaVersion\": 2, \"membershipAudit\": {\"candidates\": 2, \"seed\": 5, \"attacks\": {}, \"leaky\": {}}}",
                PrivacyReport.class);
        assertNull(beforeDigests.membershipAudit().distilledDigest(), "an audit written before digests were recorded still reads");
    }
}
