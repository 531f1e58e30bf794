package dev.medforge.registry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.registry.Requests.PolicyRequest;
import dev.medforge.registry.RegistryException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PolicyPatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PolicyRequest DEFAULTS = new PolicyRequest("fusion", 0.05, 0.08, 64, 10.0, 0.6, 1.0, 50, true);

    /** RFC 7396 on the policy: a value sets, null restores the default, absent keeps (null in the change). */
    @Test
    void aMergePatchSetsResetsAndKeeps() throws Exception {
        PolicyRequest change = PolicyPatch.apply(JSON.readTree("{\"strategy\": \"mixture\", \"maxRegression\": null}"), DEFAULTS);

        assertEquals(new PolicyRequest("mixture", 0.05, null, null, null, null, null, null, null), change);
    }

    @Test
    void anUnknownMemberIsNamedAndAWrongTypeIsAJsonError() {
        RegistryException unknown = assertThrows(RegistryException.class,
                () -> PolicyPatch.apply(JSON.readTree("{\"maxRegresion\": 0.1, \"strategy\": \"mixture\"}"), DEFAULTS));
        assertEquals(400, unknown.status());
        assertEquals("UNKNOWN_FIELD", unknown.errors().get(0).code());
        assertEquals("policy.maxRegresion", unknown.errors().get(0).field());

        assertThrows(JsonProcessingException.class, () -> PolicyPatch.apply(JSON.readTree("{\"rankLimit\": \"many\"}"), DEFAULTS));
        assertEquals(400, assertThrows(RegistryException.class, () -> PolicyPatch.apply(JSON.readTree("[1]"), DEFAULTS)).status());
    }
}
