package dev.medforge.contracts.privacy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.contracts.Problem.FieldError;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds identifier-like text in anything a hospital sends: JSON keys, string values and numbers.
 * Every string travels to every consortium member, so an e-mail address, phone number, SSN- or
 * MRN-like number, a date of birth or a labelled person name is refused. The patterns err on the side
 * of refusing: a false alarm costs a resubmission, a leak cannot be undone.
 *
 * <p>Text is normalised before matching, because every disguise that a human still reads as the
 * identifier must match too: compatibility forms (full-width digits, {@code ＠}) fold to ASCII, any
 * script's decimal digits become ASCII digits, invisible characters are dropped, and digits split by
 * spaces, dashes, dots, slashes or brackets are joined before the number rules look at them.
 *
 * Look-alike letters from the Cyrillic, Greek, Armenian, Cherokee, Coptic and Lisu alphabets and the
 * Latin small capitals fold to the Latin
 * letter they imitate ({@code МRN} with a Cyrillic М reads as MRN), and numbers in words that spell
 * three digits or more become digits ({@code MRN is four five six seven eight}, {@code born nineteen
 * sixty-one}, {@code five five five oh one}, {@code double five}).
 *
 * <p>Not detected: unlabelled person names in free text, short identifiers with no keyword before
 * them, and look-alikes outside those alphabets. The closed manifest schema keeps free text to one
 * short description so that these have little room.
 */
public final class PhiScanner {

    /** The rule every finding names, at the gateway and in ingest alike. */
    public static final String RULE = "PHI_DETECTED";
    /** A part that cannot be read to the end cannot be cleared: deny by default. */
    public static final String UNSCANNABLE = "PHI_UNSCANNABLE";
    private static final JsonFactory JSON = new JsonFactory();

    private static final String MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
            + "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
    /** A day of the month in digits (3, 3rd) or as an ordinal word (third, twenty-first), "the" before it or not. */
    private static final String DAY = "(?:the\\s+)?(?:\\d{1,2}(?:st|nd|rd|th)?|(?:(?:twenty|thirty)[\\s-]?)?"
            + "(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
            + "|(?:ten|eleven|twelf|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)th|twentieth|thirtieth)";
    /** Keywords are bounded by non-letters rather than \b, so that MRN_123 and dob:1961 match too. */
    private static final String START = "(?<![a-z])";
    private static final String END = "(?![a-z])[\\W_]{0,4}";

    private static final Map<String, Pattern> TEXT_PATTERNS = Map.of(
            // Anchored at the start of a run and possessive, so a long run of letters costs linear time, not quadratic.
            "e-mail address", Pattern.compile("(?<![\\p{L}\\p{N}._%+-])[\\p{L}\\p{N}._%+-]++\\s*+(?:@|[(\\[]\\s*+at\\s*+[)\\]])\\s*+"
                    + "[\\p{L}\\p{N}-]++(?:\\s*+\\.\\s*+[\\p{L}\\p{N}-]++)++(?<=\\p{L}{2})", Pattern.CASE_INSENSITIVE),
            // After a record keyword any id of two characters or more is one; after a bare "patient" or "subject", three digits.
            "MRN-like number", Pattern.compile(START + "(?:(?:mrn|medical[\\W_]*record(?:[\\W_]*(?:number|num|no|nr))?"
                    + "|(?:patient|subject)[\\W_]*(?:id|number|no|nr))" + END
                    + "(?:(?:is|was|no|nr|number|of)[\\W_]{1,4})?(?:[a-z]{1,3}\\d|\\d{2})"
                    + "|(?:patient|subject)" + END + "#?\\d{3})", Pattern.CASE_INSENSITIVE),
            "date of birth", Pattern.compile(START + "(?:dob|d\\.o\\.b|date[\\W_]*of[\\W_]*birth|birth[\\W_]*date|birthday"
                    + "|born(?:[\\W_]+(?:on|in))?)" + END
                    + "(?:\\d{1,4}[-/. ]\\d{1,2}[-/. ]\\d{1,4}"
                    + "|(?:" + DAY + "[\\s,]+(?:of\\s+)?)?" + MONTH + "\\.?[\\s,]+(?:" + DAY + "[\\s,]+)?\\d{2,4}"
                    // Day and month without the year are a date of birth too (HIPAA's identifiers).
                    + "|" + DAY + "[\\s,]+(?:of\\s+)?" + MONTH + "(?![a-z])|" + MONTH + "\\.?\\s+" + DAY + "(?![a-z0-9])"
                    + "|(?:19|20)\\d{2})", Pattern.CASE_INSENSITIVE),
            "person name", Pattern.compile(START + "(?:(?:patient|first|last|given|family|full|maiden)[\\W_]*name|surname)" + END
                    + "\\p{L}{2,}", Pattern.CASE_INSENSITIVE));

    /** Digests and commit hashes are long hex runs with digits in them, and never identify a person. */
    private static final Pattern HEX_DIGEST = Pattern.compile("(?<![0-9a-f])(?=[0-9]*[a-f])[0-9a-f]{32,}(?![0-9a-f])",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DIGIT_SEPARATORS = Pattern.compile("(?<=\\d)[ \\-./()_]{1,2}(?=\\d)");
    private static final Pattern DIGIT_RUN = Pattern.compile("\\d{9,}");
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cf}\\p{Mn}\\p{Me}]");
    private static final Pattern SPACING = Pattern.compile("[\\p{Z}\\p{Cc}]");
    private static final Pattern DASH = Pattern.compile("[\\p{Pd}\u2212]");
    /**
     * Letters of other scripts that a reader takes for Latin ones, each with its Latin twin, from
     * Unicode's confusables (UTS #39, confusables.txt: a letter confusable with one ASCII letter that
     * NFKC leaves as it is). Cyrillic and Greek: those for the letters of identifiers and of this
     * scanner's keywords. Armenian, Cherokee, Coptic, Lisu and the Latin small capitals ({@code ᴍʀɴ}):
     * all of them, as a refusal still needs a whole keyword with an identifier after it, which prose
     * in those scripts (or IPA, which uses some small capitals) does not spell by chance; Cherokee
     * letters that imitate digits (Ꮞ for 4) are left, so that its prose does not become numbers.
     * Mathematical letters ({@code 𝐌𝐑𝐍}) need no entry: NFKC makes them Latin, or Greek, which then
     * folds here.
     */
    private static final String LOOK_ALIKES = "аaеeоoрpсcуyхxіiјjѕsԁdһhӏlԛqԝwАAВBЕEКKМMНHОOРPСCТTХXІIЈJЅSԌG"
            + "ΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧXοoνvιiκkαaρpτtυuχx"
            + "քfցgհhւiոnռnօoՕOգqզqՏSսuՍUաw"
            + "ᎪAᏏbᏴBꮯcᏟCᏧdᎠDᎬEᏀGᏳGᏂhᎻHꭵiᎥiᎫJᏦKᏞLᎷMᏢPꮁrᎡRᏒRꮪsᏕSᏚSᎢTꮩvᏙVꮃwᎳWᏔWᎩYᎽYꮓzᏃZ"
            + "ⲀAⲁaⲂBⲈEⲌZⲎHⲒIⲔKⲘMⲚNⲞOⲟoⲢPⲣpⲤCⲥcⲦTⲨYⲬX"
            + "ꓮAꓐBꓚCꓓDꓰEꓝFꓖGꓧHꓲIꓙJꓗKꓡLꓟMꓠNꓳOꓑPꓣRꓢSꓔTꓴUꓦVꓪWꓫXꓬYꓜZ"
            + "ᴀAʙBᴄCᴅDᴇEꜰFɢGʜHɪIᴊJᴋKʟLᴍMɴNᴏOᴘPꞯQʀRꜱSᴛTᴜUᴠVᴡWʏYᴢZ";

    private PhiScanner() {
    }

    /**
     * Every identifier found in {@code node}, one per field and kind. Fields are named from
     * {@code root} ({@code manifest.notes[1]}); a key that is itself an identifier is named by its
     * position ({@code manifest.<key 2>}) so that the finding, which is kept in the submission's
     * history, does not repeat it.
     */
    public static List<FieldError> scan(String root, JsonNode node) {
        return scan(root, node, Set.of());
    }

    /**
     * As {@link #scan(String, JsonNode)}, with text the platform itself issued taken out before
     * matching: the branch id and the base model's id, which the operator registered, reach a
     * hospital's files verbatim (a PEFT config names its base as {@code <base id>@sha256:<digest>}).
     * They are no hospital's text, and a date-stamped id such as {@code fashion3-20261201-064323}
     * reads as a phone number once its digits are joined.
     */
    public static List<FieldError> scan(String root, JsonNode node, Set<String> platformText) {
        try (JsonParser parser = node.traverse()) {
            return scan(root, parser, platformText);
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON tree in memory cannot fail to read", e);
        }
    }

    /**
     * Every identifier in a JSON part, read as a stream so that a large part does not become a large
     * tree. A part that does not read to the end (bad syntax, a string or nesting beyond the parser's
     * limits) is an {@link #UNSCANNABLE} finding besides what was found before the error.
     */
    public static List<FieldError> scanJson(String part, InputStream json, Set<String> platformText) throws IOException {
        try (JsonParser parser = JSON.createParser(json)) {
            return scan(part, parser, platformText);
        }
    }

    /**
     * Every identifier in a safetensors part's {@code __metadata__}, its only free text; fields are
     * {@code <part>.__metadata__.<key>}. A header that cannot be read is an {@link #UNSCANNABLE} finding.
     */
    public static List<FieldError> scanSafetensors(String part, InputStream safetensors, Set<String> platformText) throws IOException {
        Optional<JsonNode> metadata = SafetensorsMetadata.read(safetensors);
        if (metadata.isEmpty()) {
            return List.of(new FieldError(UNSCANNABLE, part, "has no readable safetensors header, so identifiers cannot be ruled out"));
        }
        return scan(part + ".__metadata__", metadata.get(), platformText);
    }

    /** The kinds of identifier in one string, in a stable order. */
    public static List<String> kindsIn(String text) {
        return kindsIn(text, Set.of());
    }

    private static List<String> kindsIn(String text, Set<String> platformText) {
        String hospitalText = text;
        for (String issued : platformText) {
            if (!issued.isBlank()) {
                hospitalText = hospitalText.replace(issued, " ");
            }
        }
        String normal = normalise(hospitalText);
        List<String> kinds = new ArrayList<>();
        TEXT_PATTERNS.entrySet().stream()
                .filter(e -> e.getValue().matcher(normal).find())
                .map(Map.Entry::getKey)
                .forEach(kinds::add);
        Matcher run = DIGIT_RUN.matcher(DIGIT_SEPARATORS.matcher(HEX_DIGEST.matcher(normal).replaceAll(" ")).replaceAll(""));
        while (run.find()) {
            kinds.add(numberKind(run.group().length()));
        }
        return kinds.stream().distinct().sorted().toList();
    }

    /**
     * The text as a reader sees it: NFKC, then every script's decimal digits as ASCII, look-alike
     * letters of other scripts as their Latin letters, spaces and control characters as one space,
     * dashes as {@code -}, invisible characters removed, and numbers in words that spell three digits
     * or more as those digits ({@link SpelledNumbers}).
     */
    public static String normalise(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKC);
        StringBuilder ascii = new StringBuilder(folded.length());
        folded.codePoints().forEach(cp -> {
            int lookAlike = cp <= 0xFFFF ? LOOK_ALIKES.indexOf(cp) : -1;
            if (Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
                ascii.append((char) ('0' + Character.digit(cp, 10)));
            } else if (lookAlike >= 0 && lookAlike % 2 == 0) {
                ascii.append(LOOK_ALIKES.charAt(lookAlike + 1));
            } else {
                ascii.appendCodePoint(cp);
            }
        });
        String visible = INVISIBLE.matcher(ascii).replaceAll("");
        return SpelledNumbers.toDigits(DASH.matcher(SPACING.matcher(visible).replaceAll(" ")).replaceAll("-"));
    }

    private static List<FieldError> scan(String root, JsonParser parser, Set<String> platformText) throws IOException {
        Set<FieldError> found = new LinkedHashSet<>();
        try {
            if (parser.nextToken() != null) {
                walk(parser, root, "", platformText, found);
            }
        } catch (JacksonException e) {
            found.add(new FieldError(UNSCANNABLE, root, "could not be read to the end (" + e.getOriginalMessage()
                    + "), so identifiers cannot be ruled out"));
        }
        return List.copyOf(found);
    }

    /** Scans the value at the parser's current token and everything inside it. */
    private static void walk(JsonParser parser, String path, String key, Set<String> platformText, Set<FieldError> found)
            throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                for (int position = 0; parser.nextToken() == JsonToken.FIELD_NAME; position++) {
                    String name = parser.currentName();
                    String child = keyField(path, name, position);
                    kindsIn(name).forEach(kind -> found.add(finding(child, kind)));
                    parser.nextToken();
                    walk(parser, child, name, platformText, found);
                }
            }
            case START_ARRAY -> {
                for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
                    walk(parser, path + "[" + i + "]", key, platformText, found);
                }
            }
            // With its key, so that {"dob": "1961-04-12"} reads like "dob: 1961-04-12".
            case VALUE_STRING -> kindsIn(key + ": " + parser.getText(), platformText).forEach(kind -> found.add(finding(path, kind)));
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                BigDecimal number = parser.getDecimalValue().stripTrailingZeros().abs();
                String digits = number.toPlainString();
                if (number.scale() <= 0 && digits.length() >= 9) {
                    found.add(finding(path, numberKind(digits.length())));
                }
            }
            default -> {
                // true, false and null carry no text
            }
        }
    }

    /** The field a key names: by the key itself, or by its position where the key is an identifier. */
    static String keyField(String parent, String key, int position) {
        return parent + (kindsIn(key).isEmpty() ? "." + key : ".<key " + position + ">");
    }

    /** Nine digits is the length of an SSN; ten to fifteen that of a phone number; longer, of an account. */
    private static String numberKind(int digits) {
        return digits == 9 ? "SSN-like number" : digits <= 15 ? "phone number" : "account-like number";
    }

    private static FieldError finding(String field, String kind) {
        return new FieldError(RULE, field, "looks like a " + kind + "; remove identifiers before submitting");
    }
}
