package dev.medforge.registry.api;

import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.registry.RegistryException;

import java.util.List;

/**
 * Who asks to withdraw a contribution, as the gateway names them. The registry records the user of
 * the token the gateway forwards ({@code OnBehalfOf}), and refuses a body that names anyone else;
 * it checks again that their institution owns the submission, or that they are an operator.
 *
 * @param requesterInstitution null for an operator acting for no institution
 */
public record WithdrawalRequest(String requestedBy, String requesterInstitution) {

    public static void validate(WithdrawalRequest request) {
        if (request == null || request.requestedBy() == null || request.requestedBy().isBlank()) {
            throw RegistryException.invalid(List.of(new FieldError("REQUIRED", "requestedBy", "who asks for the withdrawal is required")));
        }
    }
}
