package dev.medforge.ingest.service;

import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PhiScannerTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "contact j.smith+ml@clinic.example.org",
            "call (555) 123-4567 for access",
            "patient 123-45-6789 excluded",
            "MRN: A1234567 was an outlier",
            "dob 04/12/1961",
            "born on 1961-04-12"})
    void identifiersAreFound(String text) {
        List<RejectionReason> found = PhiScanner.scan(Map.of("notes", text));

        assertEquals(1, found.size(), () -> text + " -> " + found);
        assertEquals("manifest.notes", found.get(0).field());
        assertEquals("PHI_DETECTED", found.get(0).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "LoRA r=8 on q, v and out projections, 3 epochs, lr 0.001",
            "trained 2026-11-27 on 6000 images, accuracy 0.913",
            "version 12 of the tops task, seed 11"})
    void ordinaryTrainingNotesPass(String text) {
        assertEquals(List.of(), PhiScanner.scan(Map.of("notes", text, "nested", Map.of("list", List.of(text)))));
    }
}
