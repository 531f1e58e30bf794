/**
 * The gateway's public REST API. The definition below names the API and puts the one error shape,
 * {@link dev.medforge.contracts.Problem}, among the document's schemas, where {@link ProblemResponses}
 * points every operation's error responses.
 */
@OpenAPIDefinition(
        info = @Info(title = "MedForge gateway", version = "v1",
                description = "Submit LoRA adapters and distilled sets, follow them through the pipeline, and download the "
                        + "composite versions that pass the gate. Errors are RFC 9457 problem details."),
        components = @Components(schemas = @Schema(name = ProblemResponses.SCHEMA, implementation = Problem.class)))
package dev.medforge.gateway.rest;

import dev.medforge.contracts.Problem;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
