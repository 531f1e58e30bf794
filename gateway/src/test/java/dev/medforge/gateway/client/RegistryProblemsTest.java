package dev.medforge.gateway.client;

import dev.medforge.contracts.messaging.TransientFailures;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RegistryProblemsTest {

    /** A 401 or 403 from the registry refuses the gateway's own identity: the user must not read it as theirs. */
    @ParameterizedTest
    @CsvSource({"401, 502", "403, 502", "404, 404", "409, 409", "500, 502", "503, 502"})
    void theRegistrysRefusalOfTheGatewayIsOurFaultNotTheCallers(int registryStatus, int gatewayStatus) {
        assertEquals(gatewayStatus, new RegistryProblems().toThrowable(Response.status(registryStatus).build()).problem().status());
    }

    /** Only a registry fault may pass by waiting; the shared classifier reads it from the cause, as in the other services. */
    @ParameterizedTest
    @CsvSource({"500, true", "503, true", "401, false", "403, false", "404, false", "409, false"})
    void aRegistryFaultIsTransientAndARefusalIsNot(int registryStatus, boolean transientFailure) {
        assertEquals(transientFailure, TransientFailures.isTransient(new RegistryProblems().toThrowable(Response.status(registryStatus).build())));
    }
}
