package dev.medforge.contracts.privacy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Identifiers in random Unicode disguises that a human still reads as the identifier: every one must
 * be caught. Seeded, so a failure names a disguise that can be replayed.
 */
class PhiDisguisePropertyTest {

    private static final int ITERATIONS = 5_000;
    private static final String[] INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"};
    private static final String[] SEPARATORS = {"-", " ", ".", "\u00a0", "\u2011", "\u2013", "\u2212", "\u202f", "\u3000", "\uff0d", ""};
    private static final String[] AT = {"@", "\uff20", "\ufe6b"};
    private static final String[] SPOKEN_SEPARATORS = {" ", "-", ", ", "\u00a0", "\u2013"};
    /**
     * Each a Latin letter, then letters of other scripts that a reader takes for it (Unicode's
     * confusables): Cyrillic, Greek, Armenian, Cherokee, Coptic, Lisu, and Latin small capitals.
     */
    private static final List<String> LOOK_ALIKES = List.of("a\u0430\u03b1\u2c81", "c\u0441\uabaf\u2ca5", "e\u0435",
            "h\u04bb\u0570", "i\u0456\u03b9\uab75", "n\u0578\u057c", "o\u043e\u03bf\u0585\u2c9f", "p\u0440\u03c1\u2ca3",
            "s\u0455\uabaa", "u\u057d\u03c5", "B\u0412\u0392\u13f4\u2c82\ua4d0\u0299", "D\u13a0\ua4d3\u1d05",
            "M\u041c\u039c\u13b7\u2c98\ua4df\u1d0d", "N\u039d\u2c9a\ua4e0\u0274", "O\u041e\u039f\u0555\u2c9e\ua4f3\u1d0f",
            "R\u13a1\u13d2\ua4e3\u0280", "S\u0405\u13da\u13d5\u054f\ua4e2\ua731");
    private static final List<String> NUMBER_WORDS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen");
    private static final List<String> TENS = List.of("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety");

    /** Each kind of identifier, written plainly from random digits. */
    private static final List<Function<Random, String>> IDENTIFIERS = List.of(
            r -> "SSN " + digits(r, 3) + sep(r) + digits(r, 2) + sep(r) + digits(r, 4),
            r -> "patient " + digits(r, 3) + sep(r) + digits(r, 2) + sep(r) + digits(r, 4) + " excluded",
            r -> "MRN" + List.of("_", ": ", " is ", " ").get(r.nextInt(4)) + (r.nextBoolean() ? "A" : "") + digits(r, 6 + r.nextInt(4)),
            r -> "medical record number " + digits(r, 7),
            r -> "reach me at " + letters(r, 5) + "." + letters(r, 4) + AT[r.nextInt(AT.length)] + letters(r, 6) + ".example.org",
            r -> "call " + (r.nextBoolean() ? "+1 " : "") + "(" + digits(r, 3) + ")" + sep(r) + digits(r, 3) + sep(r) + digits(r, 4),
            r -> "tel " + digits(r, 3) + sep(r) + digits(r, 3) + sep(r) + digits(r, 4),
            r -> "DOB: " + (1930 + r.nextInt(80)) + "-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10),
            r -> "born on " + List.of("March", "Apr", "july", "DECEMBER").get(r.nextInt(4)) + " " + (1 + r.nextInt(28))
                    + List.of("", "st", "th").get(r.nextInt(3)) + (r.nextBoolean() ? ", " : " ") + (1930 + r.nextInt(80)),
            r -> "SSN " + spoken(r, digits(r, 9)),
            r -> "call " + spoken(r, digits(r, 10)),
            r -> "MRN is " + spoken(r, digits(r, 7)),
            r -> "born " + spoken(r, String.valueOf(1930 + r.nextInt(80))));

    @Test
    void everyDisguisedIdentifierIsCaught() {
        Random random = new Random(20261201L);
        for (int i = 0; i < ITERATIONS; i++) {
            String plain = IDENTIFIERS.get(i % IDENTIFIERS.size()).apply(random);
            String disguised = disguise(plain, random);

            List<String> kinds = PhiScanner.kindsIn(disguised);

            int iteration = i;
            assertTrue(!kinds.isEmpty(), () -> "iteration " + iteration + ": missed " + escaped(disguised) + " (from " + plain + ")");
        }
    }

    @Test
    void disguisedOrdinaryValuesStillPass() {
        Random random = new Random(7L);
        List<String> ordinary = List.of("tops classifier, 3 epochs", "LORA", "CAUSAL_LM", "SEQ_CLS", "q_lin", "v_lin",
                "distilbert-base-uncased", "base_model.model.encoder.layer.11.attention.q_lin", "peft 0.20.0",
                "trained 2026-11-27 on 6000 images, accuracy 0.913", "hospital-a", "footwear", "one of two tasks, three epochs each",
                "trained for twenty epochs, rank sixteen, batch size sixty-four");
        for (int i = 0; i < ITERATIONS / 10; i++) {
            String value = ordinary.get(i % ordinary.size());
            String disguised = disguise(value, random);

            assertEquals(List.of(), PhiScanner.kindsIn(disguised), escaped(disguised));
        }
    }

    /** Full-width or other-script digits, look-alike or full-width letters, invisible characters between any two characters. */
    private static String disguise(String plain, Random r) {
        StringBuilder out = new StringBuilder();
        int digitScript = r.nextInt(3);
        for (char c : plain.toCharArray()) {
            String lookAlikes = LOOK_ALIKES.stream().filter(l -> l.charAt(0) == c).findFirst().orElse("");
            if (c >= '0' && c <= '9' && r.nextInt(3) > 0) {
                out.appendCodePoint((digitScript == 0 ? 0xFF10 : digitScript == 1 ? 0x0660 : 0x1D7CE) + (c - '0'));
            } else if (!lookAlikes.isEmpty() && r.nextInt(6) == 0) {
                out.append(lookAlikes.charAt(1 + r.nextInt(lookAlikes.length() - 1)));
            } else if (c >= 'a' && c <= 'z' && r.nextInt(8) == 0) {
                out.append((char) (0xFF41 + (c - 'a')));
            } else {
                out.append(c);
            }
            if (r.nextInt(4) == 0) {
                out.append(INVISIBLE[r.nextInt(INVISIBLE.length)]);
            }
        }
        return out.toString();
    }

    /**
     * Digits read out: a word for a digit, or for a pair ("seventeen", "forty-five", "forty"). A pair
     * that ends in a zero is followed by a comma, because "forty five" is heard as 45, not as 40 and 5.
     */
    private static String spoken(Random r, String digits) {
        StringBuilder out = new StringBuilder();
        String separator = "";
        for (int i = 0; i < digits.length(); ) {
            out.append(separator);
            int digit = digits.charAt(i) - '0';
            if (digit > 0 && i + 1 < digits.length() && r.nextBoolean()) {
                int pair = 10 * digit + digits.charAt(i + 1) - '0';
                int unit = pair % 10;
                out.append(pair < 20 ? NUMBER_WORDS.get(pair) : TENS.get(pair / 10 - 2) + (unit == 0 ? "" : (r.nextBoolean() ? "-" : " ") + NUMBER_WORDS.get(unit)));
                separator = pair >= 20 && unit == 0 ? ", " : SPOKEN_SEPARATORS[r.nextInt(SPOKEN_SEPARATORS.length)];
                i += 2;
            } else {
                out.append(NUMBER_WORDS.get(digit));
                separator = SPOKEN_SEPARATORS[r.nextInt(SPOKEN_SEPARATORS.length)];
                i++;
            }
        }
        return out.toString();
    }

    private static String sep(Random r) {
        return SEPARATORS[r.nextInt(SEPARATORS.length)];
    }

    private static String digits(Random r, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + r.nextInt(10)));
        }
        return s.toString();
    }

    private static String letters(Random r, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + r.nextInt(26)));
        }
        return s.toString();
    }

    private static String escaped(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> out.append(cp < 128 ? String.valueOf((char) cp) : String.format("\\u{%x}", cp)));
        return out.toString();
    }
}
