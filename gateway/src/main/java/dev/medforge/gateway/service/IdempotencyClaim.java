package dev.medforge.gateway.service;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.SubmissionPart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a submission's {@code Idempotency-Key} promised, kept in the artifact store that every gateway
 * shares, so no gateway needs a database: one small record naming the key, one naming the key with
 * the request it came with (task and every part's digest). A later request with the key computes
 * both records' bytes again and finds them by their digest, so no index is needed either.
 */
public final class IdempotencyClaim {

    public static final String HEADER = "Idempotency-Key";
    /** The draft standard's key is an opaque string; visible ASCII keeps it printable in a problem detail and a log. */
    static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final byte[] key;
    private final byte[] request;

    private IdempotencyClaim(byte[] key, byte[] request) {
        this.key = key;
        this.request = request;
    }

    /** A key is its institution's and branch's: another institution's request with the same key is unrelated. */
    static IdempotencyClaim of(String institution, String branch, String key, String task, Map<SubmissionPart, String> digests) {
        String named = String.join("\n", "medforge submission idempotency key", institution, branch, key);
        StringBuilder request = new StringBuilder(named).append("\ntask ").append(task);
        for (SubmissionPart part : SubmissionPart.values()) {
            request.append('\n').append(part.partName()).append(' ').append(digests.get(part));
        }
        return new IdempotencyClaim(named.getBytes(StandardCharsets.UTF_8), request.toString().getBytes(StandardCharsets.UTF_8));
    }

    boolean keyRecorded(ArtifactStore store) {
        return store.contains(ArtifactDigest.of(key));
    }

    boolean sameRequestRecorded(ArtifactStore store) {
        return store.contains(ArtifactDigest.of(request));
    }

    /** The request first: a crash in between leaves a request the key replays rather than a key that refuses it. */
    void record(ArtifactStore store) throws IOException {
        store.put(request);
        store.put(key);
    }
}
