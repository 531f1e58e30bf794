package dev.medforge.contracts.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.validation.Rules;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The closed manifest: known keys only, each typed and bounded. The manifest travels to every
 * consortium member, and free text is where names and notes about patients end up, so there is
 * exactly one short free-text field; it is still scanned for identifiers.
 */
public final class ManifestSchema {

    public static final String RULE = "MANIFEST_SCHEMA";
    public static final int MAX_DESCRIPTION = 280;

    private static final Pattern NAME = Pattern.compile(Rules.NAME);
    private static final String NAME_RULE = "a name: lowercase letters, digits, '.', '_' or '-', at most 64";

    private record Field(boolean required, String expected, Predicate<JsonNode> valid) {
    }

    private static final Map<String, Field> FIELDS = Map.of(
            "task", new Field(true, NAME_RULE, ManifestSchema::isName),
            "institution", new Field(false, NAME_RULE, ManifestSchema::isName),
            "description", new Field(false, "text of at most " + MAX_DESCRIPTION + " characters",
                    v -> v.isTextual() && v.textValue().codePointCount(0, v.textValue().length()) <= MAX_DESCRIPTION));

    private ManifestSchema() {
    }

    /** Every broken rule of the schema, naming the field; an unknown key that is an identifier is named by position. */
    public static List<FieldError> check(JsonNode manifest) {
        List<FieldError> errors = new ArrayList<>();
        if (!manifest.isObject()) {
            errors.add(new FieldError(RULE, "manifest", "must be a JSON object"));
            return errors;
        }
        int position = 0;
        for (Iterator<String> keys = manifest.fieldNames(); keys.hasNext(); position++) {
            String key = keys.next();
            Field field = FIELDS.get(key);
            if (field == null) {
                errors.add(new FieldError(RULE, PhiScanner.keyField("manifest", key, position),
                        "unknown key; a manifest has only " + FIELDS.keySet().stream().sorted().toList()));
            } else if (!field.valid().test(manifest.get(key))) {
                errors.add(new FieldError(RULE, "manifest." + key, "must be " + field.expected()));
            }
        }
        FIELDS.forEach((key, field) -> {
            if (field.required() && !manifest.has(key)) {
                errors.add(new FieldError(RULE, "manifest." + key, "is required: " + field.expected()));
            }
        });
        return errors;
    }

    private static boolean isName(JsonNode value) {
        return value.isTextual() && NAME.matcher(value.textValue()).matches();
    }
}
