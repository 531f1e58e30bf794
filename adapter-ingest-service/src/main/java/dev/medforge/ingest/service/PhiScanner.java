package dev.medforge.ingest.service;

import dev.medforge.contracts.events.AdapterRejected.RejectionReason;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds identifier-like text in a manifest. Free text travels to every consortium member with the
 * model card, so an e-mail address, phone number, SSN/MRN-like number or date of birth is refused.
 * The patterns err on the side of refusing: a false alarm costs a resubmission, a leak cannot be undone.
 */
public final class PhiScanner {

    private static final Map<String, Pattern> PATTERNS = Map.of(
            "e-mail address", Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.-]+"),
            "phone number", Pattern.compile("(?<!\\d)(\\+?\\d{1,3}[ .-]?)?\\(?\\d{3}\\)?[ .-]?\\d{3}[ .-]?\\d{4}(?!\\d)"),
            "SSN-like number", Pattern.compile("(?<!\\d)\\d{3}-\\d{2}-\\d{4}(?!\\d)"),
            "MRN-like number", Pattern.compile("(?i)\\b(mrn|medical record( number)?|patient id)\\b\\W{0,3}[A-Z0-9-]{4,}"),
            "date of birth", Pattern.compile("(?i)\\b(dob|date of birth|born( on)?)\\b\\W{0,3}\\d{1,4}[-/.]\\d{1,2}[-/.]\\d{1,4}"));

    private PhiScanner() {
    }

    /** One reason per field and kind of identifier found, naming the field as {@code manifest.<path>}. */
    public static List<RejectionReason> scan(Map<String, Object> manifest) {
        List<RejectionReason> found = new ArrayList<>();
        scan("manifest", manifest, found);
        return found;
    }

    private static void scan(String path, Object value, List<RejectionReason> found) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> scan(path + "." + k, v, found));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                scan(path + "[" + i + "]", list.get(i), found);
            }
        } else if (value instanceof String text) {
            PATTERNS.entrySet().stream()
                    .filter(e -> e.getValue().matcher(text).find())
                    .map(Map.Entry::getKey)
                    .sorted()
                    .forEach(kind -> found.add(new RejectionReason("PHI_DETECTED", path,
                            "looks like a " + kind + "; remove identifiers from free text")));
        }
    }
}
