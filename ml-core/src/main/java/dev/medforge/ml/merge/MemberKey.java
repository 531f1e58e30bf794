package dev.medforge.ml.merge;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.TaskHead;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one member's outputs on an image set depend on, as a key: a member of a mixture runs alone
 * (base + its LoRA) under a task's head, so its outputs are fixed by the base, its LoRA modules, the
 * head and the images. Modules and head are taken by content, with alpha/r folded into B and modules
 * in name order, as {@link CompositeIO} stores them, so a member read back from a composite keys as
 * it did from its PEFT files.
 */
public final class MemberKey {
    private static final String FORMAT = "member-outputs/1";

    private MemberKey() {
    }

    /** @param imagesDigest the images' artifact digest, or {@link #of(LabeledImages)} for images held in memory */
    public static String of(String baseDigest, Map<String, LoraModule> member, TaskHead head, String imagesDigest) {
        return of(baseDigest, modules(member), head, imagesDigest);
    }

    /** @param modulesDigest {@link #modules(Map)} of the member, for a caller that asks about it under many heads or sets */
    public static String of(String baseDigest, String modulesDigest, TaskHead head, String imagesDigest) {
        MessageDigest headDigest = ArtifactDigest.newSha256();
        headDigest.update(ints(head.classes(), head.width()));
        headDigest.update(floats(head.classEmbeddings()));
        headDigest.update(floats(new float[] {head.logitScale()}));
        return String.join("|", FORMAT, "base=" + baseDigest, "lora=" + modulesDigest, "head=" + hex(headDigest), "images=" + imagesDigest);
    }

    /** The digest of a member's LoRA modules: the costly part of its key, as the modules are most of its bytes. */
    public static String modules(Map<String, LoraModule> member) {
        MessageDigest modules = ArtifactDigest.newSha256();
        new TreeMap<>(member).forEach((name, module) -> {
            LoraModule m = module.withUnitScale();
            modules.update(name.getBytes(StandardCharsets.UTF_8));
            modules.update(ints(m.rank(), m.in(), m.out()));
            modules.update(floats(m.a()));
            modules.update(floats(m.b()));
        });
        return hex(modules);
    }

    /** The content digest of images and labels held in memory (a half of a distilled set has no artifact of its own). */
    public static String of(LabeledImages images) {
        MessageDigest digest = ArtifactDigest.newSha256();
        digest.update(ints(images.size(), images.classes(), images.height(), images.width()));
        digest.update(ints(images.labels()));
        digest.update(floats(images.pixels()));
        return "content:" + hex(digest);
    }

    private static byte[] ints(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length);
        for (int v : values) {
            buffer.putInt(v);
        }
        return buffer.array();
    }

    private static byte[] floats(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    private static String hex(MessageDigest digest) {
        return ArtifactDigest.of(digest).hex();
    }
}
