package dev.medforge.registry.api;

import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.registry.RegistryException;

import java.util.ArrayList;
import java.util.List;

/**
 * An operator's choice about one version's download, as the gateway vouches for it.
 *
 * @param available false takes the download away (the card stays readable); true gives it back
 * @param reason    why, shown to whoever tries to download it; required when {@code available} is false
 */
public record AvailabilityRequest(Boolean available, String reason, String requestedBy) {

    static final int MAX_REASON = 500;

    public static void validate(AvailabilityRequest request) {
        if (request == null) {
            throw RegistryException.invalid(List.of(new FieldError("REQUIRED", "body", "a JSON body is required")));
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.available() == null) {
            errors.add(new FieldError("REQUIRED", "available", "true or false is required"));
        } else if (!request.available() && (request.reason() == null || request.reason().isBlank())) {
            errors.add(new FieldError("REQUIRED", "reason", "say why the version may no longer be downloaded: whoever tries will read it"));
        }
        if (request.reason() != null && request.reason().length() > MAX_REASON) {
            errors.add(new FieldError("TOO_LONG", "reason", "at most " + MAX_REASON + " characters, got " + request.reason().length()));
        }
        if (request.requestedBy() == null || request.requestedBy().isBlank()) {
            errors.add(new FieldError("REQUIRED", "requestedBy", "who makes the choice is required"));
        }
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
    }
}
