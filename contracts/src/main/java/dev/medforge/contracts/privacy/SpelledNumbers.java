package dev.medforge.contracts.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Numbers written in words, as the digits a reader hears: "born nineteen sixty-one" is a birth year
 * and "forty-five sixty-seven eighty-nine" a six-digit number, and the scanner's number rules only
 * read digits.
 *
 * <p>Numbers that follow one another are joined, as digits split by spaces are: an identifier read
 * out is a string of digits and pairs ("one two three, forty-five, sixty-seven eighty-nine"), and a
 * comma there is a pause. A quantity with {@code hundred} or {@code thousand} is kept apart at a
 * comma, as written digits are, so that "one hundred, two hundred, four hundred steps" stays a list.
 */
final class SpelledNumbers {

    private static final List<String> BELOW_TWENTY = List.of("zero", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
            "nineteen");
    private static final List<String> TENS = List.of("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety");
    private static final List<String> SCALES = List.of("hundred", "thousand");
    /** How a number is read out digit by digit: "oh" for zero, "double five" for 55, "triple seven" for 777. */
    private static final String SPOKEN_ZERO = "oh";
    private static final List<String> REPEATS = List.of("double", "triple");
    private static final long[] SCALE_FACTORS = {100, 1000};
    /** "and" only ever continues a number after a scale ("one hundred and five"); elsewhere it ends one. */
    private static final Set<String> NUMBER_WORDS = Stream.of(BELOW_TWENTY, TENS, SCALES, REPEATS, List.of("and", SPOKEN_ZERO))
            .flatMap(List::stream).collect(Collectors.toUnmodifiableSet());
    /** Whole runs of letters, so that "someone" holds no "one"; possessive, so that a long run costs linear time. */
    private static final Pattern LETTERS = Pattern.compile("[a-z]++", Pattern.CASE_INSENSITIVE);
    /** Underscores too, because keys are written {@code mrn_four_five_six_seven}. */
    private static final Pattern GAP = Pattern.compile("[\\s,_-]+");
    /**
     * Fewer digits than this stay words, so that a lone small number in prose ("one of two tasks",
     * "rank sixteen", "batch size sixty-four") reads as written; no identifier is that short.
     */
    private static final int MIN_DIGITS = 3;

    /**
     * A number word, and how it follows the number word before it: joined where nothing but spaces,
     * dashes, underscores and commas stand between, afterComma where one of those is a comma.
     */
    private record Word(String text, int start, int end, boolean joined, boolean afterComma) {
    }

    /**
     * A number and the index of the first word after it; scaled if it used hundred or thousand;
     * said {@code times} over in a row ("double five" is 5 twice).
     */
    private record Parsed(long value, int next, boolean scaled, int times) {

        Parsed(long value, int next, boolean scaled) {
            this(value, next, scaled, 1);
        }

        String digits() {
            return String.valueOf(value).repeat(times);
        }
    }

    private SpelledNumbers() {
    }

    /** {@code text} with each run of number words that spells at least three digits written as those digits. */
    static String toDigits(String text) {
        List<Word> words = words(text);
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        int i = 0;
        while (i < words.size()) {
            Parsed number = number(words, i, SCALES.size() - 1);
            if (number == null) {
                i++;
                continue;
            }
            StringBuilder digits = new StringBuilder().append(number.digits());
            for (Parsed next = following(words, number); next != null; next = following(words, number)) {
                digits.append(next.digits());
                number = next;
            }
            if (digits.length() >= MIN_DIGITS) {
                out.append(text, copied, words.get(i).start()).append(digits);
                copied = words.get(number.next() - 1).end();
            }
            i = number.next();
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static List<Word> words(String text) {
        List<Word> words = new ArrayList<>();
        Matcher letters = LETTERS.matcher(text);
        Matcher gap = GAP.matcher(text);
        int previousEnd = -1;
        while (letters.find()) {
            String word = letters.group().toLowerCase(Locale.ROOT);
            if (NUMBER_WORDS.contains(word)) {
                boolean joined = previousEnd >= 0 && gap.region(previousEnd, letters.start()).matches();
                boolean afterComma = joined && text.substring(previousEnd, letters.start()).indexOf(',') >= 0;
                words.add(new Word(word, letters.start(), letters.end(), joined, afterComma));
                previousEnd = letters.end();
            }
        }
        return words;
    }

    /** The number that directly follows {@code previous} and joins it, or null. */
    private static Parsed following(List<Word> words, Parsed previous) {
        int at = previous.next();
        if (at >= words.size() || !words.get(at).joined()) {
            return null;
        }
        Parsed next = number(words, at, SCALES.size() - 1);
        boolean apart = next != null && words.get(at).afterComma() && (previous.scaled() || next.scaled());
        return apart ? null : next;
    }

    /**
     * The number spelled from {@code words[at]} with scales up to {@code SCALES[scale]}: below a
     * hundred, then "{@code <that> hundred [and] <that>}", then "{@code <that> thousand [and] <that>}".
     * Null where {@code words[at]} cannot start a number.
     */
    private static Parsed number(List<Word> words, int at, int scale) {
        if (scale < 0) {
            return belowHundred(words, at);
        }
        Parsed head = number(words, at, scale - 1);
        if (head == null || head.value() == 0 || head.times() > 1 || !continues(words, head.next(), SCALES.get(scale))) {
            return head;
        }
        long value = head.value() * SCALE_FACTORS[scale];
        int after = head.next() + 1;
        int restAt = continues(words, after, "and") ? after + 1 : after;
        Parsed rest = continues(words, restAt) ? number(words, restAt, scale - 1) : null;
        return rest == null ? new Parsed(value, after, true) : new Parsed(value + rest.value(), rest.next(), true);
    }

    /** "seven", "seventeen", "seventy", or "seventy-seven" (also "seventy seven"); "oh"; "double seven". */
    private static Parsed belowHundred(List<Word> words, int at) {
        if (at >= words.size()) {
            return null;
        }
        int times = REPEATS.indexOf(words.get(at).text()) + 2;
        if (times >= 2) {
            int digit = continues(words, at + 1) ? digit(words.get(at + 1).text()) : -1;
            return digit < 0 ? null : new Parsed(digit, at + 2, false, times);
        }
        if (words.get(at).text().equals(SPOKEN_ZERO)) {
            return new Parsed(0, at + 1, false);
        }
        int small = BELOW_TWENTY.indexOf(words.get(at).text());
        if (small >= 0) {
            return new Parsed(small, at + 1, false);
        }
        int tens = TENS.indexOf(words.get(at).text());
        if (tens < 0) {
            return null;
        }
        int unit = continues(words, at + 1) ? BELOW_TWENTY.indexOf(words.get(at + 1).text()) : -1;
        return unit >= 1 && unit <= 9
                ? new Parsed(20 + 10L * tens + unit, at + 2, false)
                : new Parsed(20 + 10L * tens, at + 1, false);
    }

    /** The digit a word says ("oh" is zero), or -1. */
    private static int digit(String word) {
        int small = word.equals(SPOKEN_ZERO) ? 0 : BELOW_TWENTY.indexOf(word);
        return small <= 9 ? small : -1;
    }

    /** Whether {@code words[at]} carries on the number before it: joined to it, and no comma between. */
    private static boolean continues(List<Word> words, int at) {
        return at < words.size() && words.get(at).joined() && !words.get(at).afterComma();
    }

    private static boolean continues(List<Word> words, int at, String text) {
        return continues(words, at) && words.get(at).text().equals(text);
    }
}
