package dev.medforge.registry.api;

import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.registry.Webhooks;
import dev.medforge.registry.RegistryException;

import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway asks of the webhook store. The gateway has checked the URL against its address
 * guard and made the secret; the registry checks only that each field is there.
 */
public final class WebhookRequests {

    private WebhookRequests() {
    }

    public record NewWebhook(String owner, String url, String secret) {

        public static void validate(NewWebhook request) {
            List<FieldError> errors = new ArrayList<>();
            if (request == null) {
                throw RegistryException.invalid(List.of(new FieldError("REQUIRED", "", "a body with owner, url and secret is required")));
            }
            require(errors, "owner", request.owner());
            require(errors, "url", request.url());
            require(errors, "secret", request.secret());
            if (!errors.isEmpty()) {
                throw RegistryException.invalid(errors);
            }
        }
    }

    /** One delivery attempt as the gateway saw it ({@code status} 0 when no answer came): the fields the log needs. */
    public static void validate(Webhooks.Delivery request) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            throw RegistryException.invalid(List.of(new FieldError("REQUIRED", "", "a body with eventId, attempt and at is required")));
        }
        require(errors, "eventId", request.eventId());
        if (request.attempt() < 1) {
            errors.add(new FieldError("OUT_OF_RANGE", "attempt", "attempt counts from 1, got " + request.attempt()));
        }
        if (request.at() == null) {
            errors.add(new FieldError("REQUIRED", "at", "at is required"));
        }
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
    }

    private static void require(List<FieldError> errors, String field, String value) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError("REQUIRED", field, field + " is required"));
        }
    }
}
