package dev.medforge.gateway.client;

import jakarta.ws.rs.core.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RegistryProblemsTest {

    /** A 401 or 403 from the registry refuses the gateway's own identity: the user must not read it as theirs. */
    @ParameterizedTest
    @CsvSource({"401, 502", "403, 502", "404, 404", "409, 409", "500, 502"})
    void theRegistrysRefusalOfTheGatewayIsOurFaultNotTheCallers(int registryStatus, int gatewayStatus) {
        assertEquals(gatewayStatus, new RegistryProblems().toThrowable(Response.status(registryStatus).build()).problem().status());
    }
}
