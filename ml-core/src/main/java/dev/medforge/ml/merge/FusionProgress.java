package dev.medforge.ml.merge;

import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.safetensors.SafetensorsFile;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.safetensors.SafetensorsReader;
import dev.medforge.ml.safetensors.SafetensorsWriter;

import java.util.Map;
import java.util.Set;

/**
 * Where sequential fusion stood after its last step: the running composite's LoRA factors, the
 * coefficients of every step so far, and how many adapters it took in. The next version resumes
 * from it instead of re-running every step from the first adapter, so a new version costs one
 * search whatever the length of the lineage (issue 12). Each step depends only on the running
 * composite, the new adapter and the distilled sets of the tasks so far, so resuming gives exactly
 * what re-running would ({@code FusionProgressTest}).
 *
 * <p>It is not the published composite: that one is whichever of fusion and the plain merges the
 * judge chose ({@link FusionMerge}), and may be factored at another rank.
 *
 * @param fingerprint the options the steps ran with; progress made under other options is not resumed
 */
public record FusionProgress(Map<String, LoraModule> running, double[] coefficients, int members, String fingerprint) {

    private static final String KIND = "fusion-progress";
    private static final Set<String> METADATA = Set.of("format", "kind", "members", "coefficients", "fingerprint");

    /** The options a sequential step's outcome depends on. */
    static String fingerprint(MergeOptions o) {
        return "fusion/v1 seed=" + o.seed() + " budget=" + o.budget() + " bounds=" + o.lower() + ".." + o.upper() + " l1=" + o.l1()
                + " perLayer=" + o.perLayer() + " images=" + o.images();
    }

    /** Whether a fusion of {@code adapters} adapters under {@code options} may start from here. */
    boolean resumes(int adapters, MergeOptions options) {
        return members >= 2 && members < adapters && fingerprint.equals(fingerprint(options));
    }

    public byte[] write() {
        SafetensorsWriter w = new SafetensorsWriter()
                .metadata("format", "pt")
                .metadata("kind", KIND)
                .metadata("members", String.valueOf(members))
                .metadata("coefficients", CompositeIO.join(coefficients))
                .metadata("fingerprint", fingerprint);
        CompositeIO.putModules(w, "", running);
        return w.toBytes();
    }

    public static FusionProgress read(byte[] bytes) throws SafetensorsFormatException {
        SafetensorsFile file = new SafetensorsReader(8L << 20, METADATA).read(bytes);
        Map<String, String> meta = file.metadata();
        if (!KIND.equals(meta.get("kind"))) {
            throw new SafetensorsFormatException(SafetensorsFormatException.Rule.INVALID_ENTRY, "kind",
                    "not a fusion progress file: kind " + meta.get("kind"));
        }
        return new FusionProgress(CompositeIO.modules(file, ""), CompositeIO.split(meta.getOrDefault("coefficients", "")),
                Integer.parseInt(meta.getOrDefault("members", "0")), meta.getOrDefault("fingerprint", ""));
    }
}
