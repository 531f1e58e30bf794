package dev.medforge.contracts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL cannot hold a NUL byte in text: one in an id or a JSON string reached the database and
 * came back as a 500. No MedForge id or text field needs a control character other than tab and line
 * breaks, so every API refuses them up front, naming the parameter or field.
 */
public final class ControlCharacters {

    public static final String CODE = "CONTROL_CHARACTER";
    public static final String MESSAGE = "must not contain control characters such as NUL";

    private ControlCharacters() {
    }

    /** Whether {@code text} holds a character no MedForge value may hold. */
    public static boolean present(String text) {
        return text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r');
    }

    /** The refusal for the first path parameter holding one, if any. */
    public static Optional<Problem> inPathParameters(Map<String, List<String>> parameters) {
        return parameters.entrySet().stream()
                .filter(p -> p.getValue().stream().anyMatch(ControlCharacters::present))
                .findFirst()
                .map(p -> refusal(p.getKey()));
    }

    public static Problem refusal(String field) {
        return Problem.of(400, field + " " + MESSAGE,
                List.of(new Problem.FieldError(CODE, field, MESSAGE)));
    }

    /** A Jackson module whose strings refuse control characters; {@link BodyProblems} names the field. */
    public static SimpleModule jacksonModule() {
        return new SimpleModule("medforge-control-characters").addDeserializer(String.class, new StringDeserializer() {
            @Override
            public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                String value = super.deserialize(parser, context);
                if (value != null && present(value)) {
                    throw new Refused(parser);
                }
                return value;
            }
        });
    }

    /** Thrown while binding; Jackson adds the path of the field on its way out. */
    static final class Refused extends JsonMappingException {
        Refused(JsonParser parser) {
            super(parser, MESSAGE);
        }
    }
}
