package dev.medforge.contracts.artifacts;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ArtifactDigestTest {

    /** FIPS 180-2's first test vector. */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void ofBytesIsTheSha256OfThemInTheSha256Form() {
        ArtifactDigest digest = ArtifactDigest.of("abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(ABC, digest.hex());
        assertEquals("sha256:" + ABC, digest.toString());
        assertEquals(digest, ArtifactDigest.parse(digest.toString()));
    }

    @Test
    void aDigesterFedInPiecesGivesTheSameAddressAndIsResetForTheNext() {
        MessageDigest sha256 = ArtifactDigest.newSha256();
        sha256.update("a".getBytes(StandardCharsets.US_ASCII));
        sha256.update("bc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(ABC, ArtifactDigest.of(sha256).hex());
        sha256.update("abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(ABC, ArtifactDigest.of(sha256).hex());
    }

    @Test
    void sha256GivesTheRawHash() {
        assertArrayEquals(HexFormat.of().parseHex(ABC), ArtifactDigest.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void parseRefusesAnythingButTheStrictForm() {
        assertThrows(InvalidDigestException.class, () -> ArtifactDigest.parse(ABC));
        assertThrows(InvalidDigestException.class, () -> ArtifactDigest.parse("sha256:" + ABC.toUpperCase()));
        assertThrows(InvalidDigestException.class, () -> ArtifactDigest.parse("sha256:../" + ABC.substring(3)));
    }
}
