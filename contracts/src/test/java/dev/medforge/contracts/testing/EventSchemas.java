package dev.medforge.contracts.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.medforge.contracts.events.EventType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks encoded events against the JSON Schemas in {@code contracts} (resources
 * {@code dev/medforge/contracts/schemas}): one per topic, whose {@code $id} is the topic's
 * {@code dataschema}, plus {@code common.v1.json}. Schemas are looked up by that URN, as a consumer
 * outside Java would map it.
 */
public final class EventSchemas {

    private static final String PREFIX = "urn:medforge:schema:";
    private static final String FOLDER = "classpath:dev/medforge/contracts/schemas/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mappings(iri -> iri.startsWith(PREFIX),
                    iri -> FOLDER + iri.substring(PREFIX.length()).replace(":v", ".v") + ".json")));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private static final Map<EventType, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private EventSchemas() {
    }

    /** The schema of one topic's events. */
    public static JsonSchema of(EventType type) {
        return SCHEMAS.computeIfAbsent(type, t -> FACTORY.getSchema(SchemaLocation.of(t.dataschema()), CONFIG));
    }

    /** Every way {@code json} breaks its topic's schema, empty when it conforms; an unknown type is a violation too. */
    public static List<String> violations(String json) {
        JsonNode event;
        try {
            event = JSON.readTree(json);
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        String type = event.path("type").asText();
        return EventType.ofType(type)
                .map(t -> of(t).validate(event).stream().map(ValidationMessage::getMessage).sorted().toList())
                .orElse(List.of("no schema for event type '" + type + "'"));
    }
}
