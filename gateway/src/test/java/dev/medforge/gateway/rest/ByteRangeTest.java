package dev.medforge.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void theFormsOfOneRangeAreReadAsRfc9110Says() throws Exception {
        assertEquals(Optional.of(new ByteRange(0, 9)), ByteRange.parse("bytes=0-9", 100));
        assertEquals(Optional.of(new ByteRange(90, 99)), ByteRange.parse("bytes=90-", 100), "open end: to the last byte");
        assertEquals(Optional.of(new ByteRange(80, 99)), ByteRange.parse("bytes=-20", 100), "suffix: the last 20 bytes");
        assertEquals(Optional.of(new ByteRange(0, 99)), ByteRange.parse("bytes=-500", 100), "a suffix longer than the file is all of it");
        assertEquals(Optional.of(new ByteRange(50, 99)), ByteRange.parse("bytes=50-1000", 100), "an end past the file stops at its end");
        assertEquals("bytes 80-99/100", new ByteRange(80, 99).contentRange(100));
        assertEquals(20, new ByteRange(80, 99).length());
    }

    @Test
    void whatMayBeIgnoredGivesTheWholeFile() throws Exception {
        for (String header : new String[] {null, "items=0-9", "bytes=0-9,20-29", "bytes=-", "bytes=9-3", "bytes=a-b",
            "bytes=99999999999999999999-"}) {
            assertEquals(Optional.empty(), ByteRange.parse(header, 100), String.valueOf(header));
        }
    }

    @Test
    void aRangeWhollyOutsideTheFileIsUnsatisfiable() {
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=100-", 100));
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=-0", 100));
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=-5", 0));
    }

    @Test
    void copyWritesExactlyTheRangesBytes() throws Exception {
        byte[] file = new byte[200_000];
        for (int i = 0; i < file.length; i++) {
            file[i] = (byte) (i * 31);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ByteRange(70_000, 150_123).copy(new ByteArrayInputStream(file), out);
        assertArrayEquals(Arrays.copyOfRange(file, 70_000, 150_124), out.toByteArray());
    }
}
