package dev.medforge.contracts.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Envelopes that name a submission but do not decode, for tests of what a dead letter does to its submission. */
public final class MalformedEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MalformedEvents() {
    }

    /** An envelope of {@code type} whose data names the submission, with {@code broken} fields that do not fit. */
    public static String naming(String type, String submissionId, String institution, String branch, Map<String, Object> broken) {
        Map<String, Object> data = new LinkedHashMap<>(Map.of("submissionId", submissionId, "institution", institution, "branch", branch));
        data.putAll(broken);
        try {
            return JSON.writeValueAsString(Map.of("id", UUID.randomUUID().toString(), "type", type, "source", "test",
                    "time", Instant.now().toString(), "data", data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
