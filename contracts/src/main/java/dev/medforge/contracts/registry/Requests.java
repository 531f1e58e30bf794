package dev.medforge.contracts.registry;

import dev.medforge.contracts.validation.Rules;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The bodies the registry's internal API takes and the gateway's public API passes on, with the
 * rules each field must meet as Bean Validation constraints: the registry checks them (with the
 * rules that span fields, which stay in its code), and the gateway's OpenAPI document shows them.
 */
public final class Requests {

    private Requests() {
    }

    public record BaseModelRequest(
            @NotNull(message = "is required") @Pattern(regexp = Rules.MODEL_ID, message = Rules.MODEL_ID_MESSAGE, payload = Rules.NameFormat.class) String id,
            @NotNull(message = "is required") @Pattern(regexp = Rules.DIGEST, message = Rules.DIGEST_MESSAGE, payload = Rules.DigestFormat.class) String digest,
            @NotBlank(message = "the architecture JSON is required") String architecture) {
    }

    /**
     * Policy fields left null keep their current value (or the registry default on creation).
     * Which strategies exist is {@link BranchStrategy}'s to say, so the registry checks that one.
     */
    public record PolicyRequest(
            String strategy,
            @PositiveOrZero Double maxRegression,
            @PositiveOrZero Double maxNewTaskGap,
            @Min(1) Integer rankLimit,
            @Positive Double normBound,
            // Below 0.5 not even an attacker who guesses would pass.
            @DecimalMin("0.5") @DecimalMax("1") Double maxMembershipAuc,
            @PositiveOrZero Double minNearestRealRatio,
            @Min(1) Integer maxDistilledPerClass,
            Boolean privacyAuditRequired) {
    }

    /**
     * A new branch, either on a base model or, with {@code fromBranch} and {@code fromVersion}, as a
     * fork of that published version: it takes the source's base model, and its policy unless
     * {@code policy} sets fields of its own.
     */
    public record CreateBranch(
            @NotNull(message = "is required") @Pattern(regexp = Rules.NAME, message = Rules.NAME_MESSAGE, payload = Rules.NameFormat.class) String id,
            @Valid BaseModelRequest baseModel,
            @Valid PolicyRequest policy,
            @Pattern(regexp = Rules.NAME, message = Rules.NAME_MESSAGE, payload = Rules.NameFormat.class) String fromBranch,
            @Min(value = 1, message = "published versions start at 1") Integer fromVersion) {

        public boolean fork() {
            return fromBranch != null || fromVersion != null;
        }
    }

    public record RegisterTask(
            @NotNull(message = "is required") @Pattern(regexp = Rules.NAME, message = Rules.NAME_MESSAGE, payload = Rules.NameFormat.class) String name,
            @Schema(description = "the caller's own institution when left out; another is refused")
            @Pattern(regexp = Rules.NAME, message = Rules.NAME_MESSAGE, payload = Rules.NameFormat.class) String institution,
            @NotNull(message = "is required") @Size(min = 2, message = "a task needs at least two classes")
            List<@NotBlank(message = "class names must not be blank") String> classNames,
            @NotNull(message = "is required") @Pattern(regexp = Rules.DIGEST, message = Rules.DIGEST_MESSAGE, payload = Rules.DigestFormat.class)
            String evaluationSuite) {
    }

    /**
     * An operator's choice about one version's download, as the gateway vouches for it.
     *
     * @param available false takes the download away (the card stays readable); true gives it back
     * @param reason    why, shown to whoever tries to download it; required when {@code available} is false
     */
    public record AvailabilityRequest(
            @NotNull(message = "true or false is required") Boolean available,
            @Size(max = AvailabilityRequest.MAX_REASON) String reason,
            @Schema(description = "set by the gateway to the caller who signed in", readOnly = true) String requestedBy) {

        public static final int MAX_REASON = 500;
    }

    /**
     * Who asks to withdraw a contribution, as the gateway names them. The registry records the user
     * of the token the gateway forwards ({@link OnBehalfOf}), and refuses a body that names anyone
     * else; it checks again that their institution owns the submission, or that they are an operator.
     *
     * @param requesterInstitution null for an operator acting for no institution
     */
    public record WithdrawalRequest(@NotBlank(message = "who asks for the withdrawal is required") String requestedBy,
                                    String requesterInstitution) {
    }
}
