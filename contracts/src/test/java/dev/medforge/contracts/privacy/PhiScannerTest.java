package dev.medforge.contracts.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.Problem.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class PhiScannerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PEFT = Path.of(System.getProperty("medforge.testdata", "../../shared/testdata"),
            "peft-distilbert-emotion");

    /** Each variant class of the issue-9 probe that was missed, plus the ones that were already caught. */
    @ParameterizedTest
    @ValueSource(strings = {
            "contact j.smith+ml@clinic.example.org",
            "contact j.smith＠clinic.example.org",
            "contact jane (at) clinic.example.org",
            "call (555) 123-4567 for access",
            "call +1 555 123 4567",
            "patient 123-45-6789 excluded",
            "patient 123 45 6789 excluded",
            "patient 123456789 excluded",
            "patient １２３-４５-６７８９ excluded",
            "patient 123\u200b45\u200b6789 excluded",
            "patient 123\u00a045\u00a06789 excluded",
            "patient ١٢٣٤٥٦٧٨٩ excluded",
            "MRN: A1234567 was an outlier",
            "MRN_A1234567",
            "MRN is 00123456",
            "medical record number 4455667",
            "dob 04/12/1961",
            "DOB: 1961-04-12",
            "born on 1961-04-12",
            "born on March 3rd 1961",
            "born 3 March, 1961",
            "date of birth: 3rd of mar 1961",
            "patient name: Jane",
            "\u041cRN: A1234567",
            "\u1d0d\u0280\u0274: A1234567",
            "\ua4df\ua4e3\ua4e0 1234567",
            "patient 123-45-6789 \u2c98\u2c9e\u2ca6\u2c8e",
            "p\u0430tient n\u0430me: Jane",
            "\u0434ob 04/12/1961 and d\u03bfb 04/12/1961",
            "MRN is four five six seven eight",
            "call five five five, one two three, four five six seven",
            "patient one-two-three four-five six-seven-eight-nine excluded",
            "born nineteen sixty-one",
            "MRN is forty-five sixty-seven eighty-nine",
            "SSN one two three, forty-five, sixty-seven eighty-nine",
            "mrn_four_five_six_seven_eight",
            "\u13b7\u13a1N: A1234567",
            "\u13a0O\u13f4 04/12/1961",
            "d\u0585b 04/12/1961",
            "\ud835\udc0c\ud835\udc11\ud835\udc0d: A1234567",
            "\ud835\udeb3RN: A1234567",
            "born on the first of May nineteen eighty",
            "born on the 1st of May 1980",
            "born on the twenty-first of june 1970",
            "birthday: 12 March",
            "birthday March 12",
            "patient id AB12",
            "MRN 12",
            "patient 4821 excluded",
            "subject #017 excluded",
            "call double five, five oh one, two three four five six"})
    void identifiersAreFound(String text) {
        List<FieldError> found = PhiScanner.scan("manifest", JSON.createObjectNode().put("description", text));

        assertFalse(found.isEmpty(), text);
        found.forEach(f -> {
            assertEquals("manifest.description", f.field());
            assertEquals(PhiScanner.RULE, f.code());
        });
    }

    /** A number read out in words is the identifier its digits make, and that identifier's rule names it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "born nineteen sixty-one | date of birth",
            "born in two thousand and three | date of birth",
            "DOB nineteen hundred sixty-one | date of birth",
            "MRN is forty-five sixty-seven eighty-nine | MRN-like number",
            "SSN one two three, forty-five, sixty-seven eighty-nine | SSN-like number",
            "call five five five, one twenty-three, forty-five sixty-seven | phone number",
            "call five five five oh one two three four five six | phone number",
            "SSN five five five oh two one two three four | SSN-like number",
            "MRN is triple seven four two | MRN-like number",
            "dob the twelfth of march nineteen sixty-one | date of birth"})
    void numbersInWordsAreReadAsTheIdentifierTheySpell(String text, String kind) {
        assertEquals(List.of(kind), PhiScanner.kindsIn(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "LoRA r=8 on q, v and out projections, 3 epochs, lr 0.001",
            "trained 2026-11-27 on 6000 images, accuracy 0.913",
            "trained on March 3rd 2026, accuracy 0.91, 0.93 and 0.95",
            "version 12 of the tops task, seed 11",
            "tops classifier, 3 epochs",
            "lr @ 0.001, weight decay 1e-4",
            "base sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "peft 0.20.0 on distilbert-base-uncased, megatron.core",
            "one of two tasks, three epochs each",
            "someone two three times",
            "trained for twenty epochs",
            "rank sixteen, alpha thirty-two, batch size sixty-four",
            "ranks eight, sixteen and thirty-two, ninety-nine percent of one hundred images",
            "one hundred, two hundred, four hundred warm-up steps",
            "trained in twenty twenty-six on six thousand images, seed forty-two",
            "oh well, one or two runs diverged",
            "double check the first two epochs",
            "one patient per image, patient-level split, 3 epochs",
            "subject to review, 100 images per class",
            "\u043e\u0431\u0443\u0447\u0435\u043d\u0438\u0435: \u0434\u0432\u0430\u0434\u0446\u0430\u0442\u044c \u044d\u043f\u043e\u0445,"
                    + " \u0440\u0430\u043d\u0433 \u0448\u0435\u0441\u0442\u043d\u0430\u0434\u0446\u0430\u0442\u044c",
            "\u03b5\u03ba\u03c0\u03b1\u03af\u03b4\u03b5\u03c5\u03c3\u03b7 \u03b3\u03b9\u03b1 \u03c4\u03c1\u03b5\u03b9\u03c2"
                    + " \u03b5\u03c0\u03bf\u03c7\u03ad\u03c2, \u03b2\u03b1\u03b8\u03bc\u03cc\u03c2 16",
            "\u0544\u0578\u0564\u0565\u056c\u0568 \u057e\u0561\u0580\u056a\u0565\u0581\u057e\u0565\u056c \u0567 3"
                    + " \u0564\u0561\u0580\u0561\u0577\u0580\u057b\u0561\u0576, \u057c\u0561\u0576\u0563 16",
            "\u13e3\u13b3\u13a9 \u13a6\u13ec\u13c2\u13af\u13cd\u13d7 \u13a0\u13d5\u13b3 \u13d7\u13ce\u13cd\u13d7 3",
            "\u0442\u0440\u0435\u043d\u0438\u0440\u043e\u0432\u043a\u0430 \u043d\u0430 3 \u044d\u043f\u043e\u0445\u0438"})
    void ordinaryTrainingNotesPass(String text) {
        JsonNode manifest = JSON.valueToTree(java.util.Map.of("description", text, "nested", java.util.Map.of("list", List.of(text))));

        assertEquals(List.of(), PhiScanner.scan("manifest", manifest));
    }

    @Test
    void aRealPeftConfigPasses() throws IOException {
        JsonNode config = JSON.readTree(PEFT.resolve("adapter_config.json").toFile());

        assertEquals(List.of(), PhiScanner.scan("adapter_config", config));
    }

    @Test
    void theBranchAndBaseIdsThePlatformIssuedAreNotTheHospitalsTextButWhatSurroundsThemIs() throws IOException {
        String base = "medforge/vit-fmnist-tiny-fashion3-20261201-064323";
        JsonNode config = JSON.readTree("{\"base_model_name_or_path\": \"" + base + "@sha256:" + "0e46c035".repeat(8) + "\"}");
        assertEquals(List.of("adapter_config.base_model_name_or_path"),
                PhiScanner.scan("adapter_config", config).stream().map(FieldError::field).toList(),
                "a date-stamped id reads as a phone number once its digits are joined");
        assertEquals(List.of(), PhiScanner.scan("adapter_config", config, Set.of("fashion3-20261201-064323", base)));

        JsonNode smuggled = JSON.readTree("{\"base_model_name_or_path\": \"" + base + " 555-123-4567\"}");
        assertEquals(List.of("adapter_config.base_model_name_or_path"),
                PhiScanner.scan("adapter_config", smuggled, Set.of(base)).stream().map(FieldError::field).toList());
    }

    @Test
    void keysAreScannedAndNamedByPositionSoTheHistoryDoesNotRepeatThem() throws IOException {
        JsonNode config = JSON.readTree("{\"r\": 8, \"MRN_A1234567\": {\"x\": 1}, \"notes\": {\"dob\": \"1961-04-12\"}}");

        assertEquals(List.of(
                new FieldError(PhiScanner.RULE, "adapter_config.<key 1>", "looks like a MRN-like number; remove identifiers before submitting"),
                new FieldError(PhiScanner.RULE, "adapter_config.notes.dob", "looks like a date of birth; remove identifiers before submitting")),
                PhiScanner.scan("adapter_config", config));
    }

    @Test
    void numbersOfIdentifierLengthAreFoundAndHyperParametersAreNot() throws IOException {
        JsonNode report = JSON.readTree("{\"realSampled\": 600, \"minRatio\": 0.61, \"seed\": 123456789,"
                + " \"images\": [{\"index\": 5551234567, \"ratio\": 1.5e9}], \"lora_dropout\": 0.123456789123}");

        assertEquals(List.of("privacy_report.seed", "privacy_report.images[0].index", "privacy_report.images[0].ratio"),
                PhiScanner.scan("privacy_report", report).stream().map(FieldError::field).toList());
    }

    @Test
    void safetensorsMetadataIsScannedAndTensorsAreNot() throws IOException {
        byte[] header = "{\"__metadata__\":{\"format\":\"pt\",\"note\":\"MRN 12345678\"},\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] file = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header).array();

        assertEquals(List.of("adapter_model.__metadata__.note"),
                PhiScanner.scanSafetensors("adapter_model", new ByteArrayInputStream(file), Set.of()).stream().map(FieldError::field).toList());
        assertEquals(List.of(PhiScanner.UNSCANNABLE), PhiScanner.scanSafetensors("adapter_model",
                new ByteArrayInputStream(new byte[3]), Set.of()).stream().map(FieldError::code).toList());
        try (InputStream peft = Files.newInputStream(PEFT.resolve("adapter_model.safetensors"))) {
            assertEquals(List.of(), PhiScanner.scanSafetensors("adapter_model", peft, Set.of()));
        }
    }

    @Test
    void aJsonPartThatDoesNotReadToTheEndCannotBeCleared() throws IOException {
        List<FieldError> truncated = PhiScanner.scanJson("privacy_report",
                new ByteArrayInputStream("{\"a\": \"MRN 1234567\", \"b\": [".getBytes(StandardCharsets.UTF_8)), Set.of());

        assertEquals(List.of(PhiScanner.RULE, PhiScanner.UNSCANNABLE), truncated.stream().map(FieldError::code).toList());
        assertEquals(List.of("privacy_report.a", "privacy_report"), truncated.stream().map(FieldError::field).toList());
    }

    /** The gateway scans parts of up to 64 MiB while the uploader waits: no pattern may backtrack quadratically. */
    @Test
    void longRunsAreScannedInLinearTime() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (String unit : List.of("a", "a.", "1 ", "a@", "a@b.", "mrn ", "born on ", "ab1", "-", "0a", "one ", "sixty-", "one hundred, ")) {
                PhiScanner.kindsIn(unit.repeat(1_000_000 / unit.length()));
            }
        });
    }

    @Test
    void normalisingFoldsDisguisesToWhatAReaderSees() {
        assertEquals("123-45 6789 a@b", PhiScanner.normalise("１２３\u2011４５\u00a0\u200b6789 a＠b"));
        assertEquals("MPH po", PhiScanner.normalise("\u041c\u0420\u041d \u0440\u03bf"), "Cyrillic and Greek look-alikes");
        assertEquals("on MRN MM", PhiScanner.normalise("\u0585\u0578 \u13b7\u13a1N \ud835\udc0c\ud835\udeb3"),
                "Armenian and Cherokee look-alikes, and mathematical letters through NFKC");
        assertEquals("MRN MRN MPN op", PhiScanner.normalise("\ua4df\ua4e3\ua4e0 \u1d0d\u0280\u0274 \u2c98\u2ca2\u2c9a \u2c9f\u2ca3"),
                "Lisu, small-capital and Coptic look-alikes (Coptic's Ro is a P)");
        assertEquals("mrn 45678, then one or two", PhiScanner.normalise("mrn Four five six seven eight, then one or two"));
        assertEquals("born 1961, mrn 456789, rank sixteen", PhiScanner.normalise("born nineteen sixty-one, mrn forty-five sixty-seven eighty-nine,"
                + " rank sixteen"), "tens and teens, and a lone small number left as written");
        assertEquals("100, 200, 2003 and 1961", PhiScanner.normalise("one hundred, two hundred, two thousand and three and nineteen hundred sixty-one"),
                "a quantity stays apart at a comma");
    }
}
