package dev.medforge.registry.api;

import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.registry.BranchStrategy;
import dev.medforge.contracts.registry.Requests.AvailabilityRequest;
import dev.medforge.contracts.registry.Requests.CreateBranch;
import dev.medforge.contracts.registry.Requests.PolicyRequest;
import dev.medforge.contracts.registry.Requests.RegisterTask;
import dev.medforge.contracts.registry.Requests.WithdrawalRequest;
import dev.medforge.contracts.validation.FieldErrors;
import dev.medforge.registry.JsonText;
import dev.medforge.registry.RegistryException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a request before anything is read or written: each field's own constraints (Bean
 * Validation, declared on the records in {@code contracts}) and the rules that span fields or need
 * the platform's knowledge, which are written here. Every broken rule is reported at once, in one
 * problem, so a caller fixes its request in one go.
 */
@ApplicationScoped
public class RequestRules {

    private final Validator validator;

    RequestRules(Validator validator) {
        this.validator = validator;
    }

    public void check(CreateBranch request) {
        List<FieldError> errors = constraints("", required(request));
        if (request.fork()) {
            if (request.fromBranch() == null) {
                errors.add(new FieldError("REQUIRED", "fromBranch", "fromVersion needs the branch whose version it is"));
            }
            if (request.fromVersion() == null) {
                errors.add(new FieldError("REQUIRED", "fromVersion", "a fork starts at a published version of fromBranch"));
            }
            if (request.baseModel() != null) {
                // A second base model could only disagree with the source's composite, which is built on the source's.
                errors.add(new FieldError("NOT_ALLOWED", "baseModel", "a fork builds on fromBranch's base model; leave baseModel out"));
            }
        } else if (request.baseModel() == null) {
            errors.add(new FieldError("REQUIRED", "baseModel", "the base model is required"));
        } else if (request.baseModel().architecture() != null && !request.baseModel().architecture().isBlank()
                && !JsonText.isObject(request.baseModel().architecture())) {
            errors.add(new FieldError("INVALID_JSON", "baseModel.architecture",
                    "the architecture must be a JSON object (architecture.json as written by 'medforge base pretrain')"));
        }
        strategy(errors, request.policy());
        throwIfAny(errors);
    }

    /** A policy change, whose fields are named as in a new branch's {@code policy}. */
    public void check(PolicyRequest request) {
        List<FieldError> errors = constraints("policy.", required(request));
        strategy(errors, request);
        throwIfAny(errors);
    }

    public void check(RegisterTask request) {
        List<FieldError> errors = constraints("", required(request));
        if (request.institution() == null) {
            // The gateway names the caller's institution; a request without one did not come through it.
            errors.add(new FieldError("REQUIRED", "institution", "the institution is required"));
        }
        throwIfAny(errors);
    }

    public void check(AvailabilityRequest request) {
        List<FieldError> errors = constraints("", required(request));
        if (Boolean.FALSE.equals(request.available()) && (request.reason() == null || request.reason().isBlank())) {
            errors.add(new FieldError("REQUIRED", "reason", "say why the version may no longer be downloaded: whoever tries will read it"));
        }
        if (request.requestedBy() == null || request.requestedBy().isBlank()) {
            errors.add(new FieldError("REQUIRED", "requestedBy", "who makes the choice is required"));
        }
        throwIfAny(errors);
    }

    public void check(WithdrawalRequest request) {
        throwIfAny(constraints("", required(request)));
    }

    private <T> List<FieldError> constraints(String prefix, T request) {
        return new ArrayList<>(FieldErrors.of(prefix, validator.validate(request)));
    }

    private static <T> T required(T request) {
        if (request == null) {
            throw RegistryException.invalid(List.of(new FieldError("REQUIRED", "body", "a JSON body is required")));
        }
        return request;
    }

    private static void strategy(List<FieldError> errors, PolicyRequest policy) {
        if (policy != null && policy.strategy() != null && BranchStrategy.of(policy.strategy()).isEmpty()) {
            errors.add(new FieldError("UNKNOWN_STRATEGY", "policy.strategy", "one of " + BranchStrategy.wireNames()));
        }
    }

    private static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
    }
}
