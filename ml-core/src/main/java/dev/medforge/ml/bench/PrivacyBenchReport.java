package dev.medforge.ml.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.ml.bench.PrivacyBench.InstitutionResult;
import dev.medforge.ml.privacy.AttackResult;
import dev.medforge.ml.privacy.MembershipAudit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The privacy benchmark's figures per institution: each attack on what it sends, the same attacks on
 * deliberately leaky artifacts, and what its distilled set buys the merges.
 *
 * @param merges each task's accuracy by merge method, for the pairs of {@link PrivacyBench#WITHOUT_DISTILLED}
 */
public record PrivacyBenchReport(String scenario, boolean quick, int cores, String device, double pretrainSeconds,
                                 List<InstitutionResult> institutions, Map<String, Map<String, Double>> merges) implements BenchResults {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The leaky baselines of one institution: the audit's set of real training images under each
     * distance attack, and the adapter overfitted on mislabelled images under {@value MembershipAudit#ADAPTER_LOSS}.
     */
    static Map<String, AttackResult> leaky(InstitutionResult r) {
        Map<String, AttackResult> leaky = new LinkedHashMap<>(r.audit().leaky());
        leaky.put(MembershipAudit.ADAPTER_LOSS, r.overfittedAdapterLoss());
        return leaky;
    }

    /**
     * The JSON layout: {@code institutions.<id>.attacks.<attack>} and {@code institutions.<id>.leaky.<attack>}
     * each hold {@code auc, ciLow, ciHigh, tprAt1Fpr, members, nonMembers};
     * {@code institutions.<id>.distilledSetGain.<merge>} is its task's accuracy under that merge less
     * the same adapters' without the distilled sets, both under {@code merges.<method>.<task>}.
     */
    @Override
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("scenario", scenario);
        root.put("quick", quick);
        root.putObject("machine").put("cores", cores).put("device", device);
        root.putObject("overfittedAdapter").put("images", PrivacyBench.OVERFIT_IMAGES).put("epochs", PrivacyBench.OVERFIT.epochs())
                .put("labels", "mislabelled");
        ObjectNode all = root.putObject("institutions");
        for (InstitutionResult r : institutions) {
            ObjectNode inst = all.putObject(r.id());
            inst.put("task", r.task());
            inst.put("candidates", r.audit().candidates());
            inst.set("attacks", JSON.valueToTree(r.audit().attacks()));
            inst.set("leaky", JSON.valueToTree(leaky(r)));
            ObjectNode gain = inst.putObject("distilledSetGain");
            PrivacyBench.WITHOUT_DISTILLED.forEach((merge, without) -> gain.put(merge, gain(merge, without, r.task())));
            inst.putObject("timings").put("train", r.trainSeconds()).put("distill", r.distillSeconds()).put("audit", r.auditSeconds());
        }
        root.set("merges", JSON.valueToTree(merges));
        root.putObject("timings").put("pretrain", pretrainSeconds);
        return root;
    }

    /** One row per institution and attack: its AUC with the 95% interval, TPR at 1% FPR, and the leaky baseline's AUC beside it. */
    @Override
    public String table() {
        StringBuilder sb = new StringBuilder(String.format("%-14s %-12s %-16s %6s %16s %10s %10s%n", "institution", "task", "attack", "AUC",
                "95% CI", "TPR@1%FPR", "leaky AUC"));
        for (InstitutionResult r : institutions) {
            Map<String, AttackResult> leaky = leaky(r);
            r.audit().attacks().forEach((attack, a) -> {
                AttackResult baseline = leaky.get(attack);
                sb.append(String.format("%-14s %-12s %-16s %6.3f   [%.3f, %.3f] %10.3f %10s%n", r.id(), r.task(), attack, a.auc(), a.ciLow(),
                        a.ciHigh(), a.tprAt1Fpr(), baseline == null ? "-" : String.format("%.3f", baseline.auc())));
            });
        }
        sb.append(String.format("%nWhat the distilled sets buy: each task's accuracy under a merge that searches on them, against the same"
                + " adapters without them%n%-14s %-12s", "institution", "task"));
        PrivacyBench.WITHOUT_DISTILLED.forEach((merge, without) -> sb.append(String.format(" %24s", merge + " vs " + without)));
        sb.append(String.format("%n"));
        for (InstitutionResult r : institutions) {
            sb.append(String.format("%-14s %-12s", r.id(), r.task()));
            PrivacyBench.WITHOUT_DISTILLED.forEach((merge, without) -> sb.append(String.format("   %.3f vs %.3f (%+5.1f)",
                    merges.get(merge).get(r.task()), merges.get(without).get(r.task()), 100 * gain(merge, without, r.task()))));
            sb.append(String.format("%n"));
        }
        sb.append(String.format("0.5 = the attacker guesses. Leaky baselines: real training images as the distilled set; for %s, an adapter"
                + " trained %d epochs on %d training images, each with another class of its task drawn at random, against held-out images"
                + " relabelled the same way.%n", MembershipAudit.ADAPTER_LOSS, PrivacyBench.OVERFIT.epochs(), PrivacyBench.OVERFIT_IMAGES));
        return sb.toString();
    }

    private double gain(String merge, String without, String task) {
        return merges.get(merge).get(task) - merges.get(without).get(task);
    }
}
