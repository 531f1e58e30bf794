package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** An institution submits through the gateway as a script would: the id alone on stdout, progress on stderr. */
class SubmitTest extends BranchWithTopsTest {

    private static final Pattern UUID_LINE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n");

    @Test
    void aSubmissionPrintsOnlyItsIdAndItsStatusShowsReceived() throws Exception {
        Cli.Result submitted = submit(21, "{\"task\":\"tops\",\"description\":\"cli test\"}");
        assertEquals(0, submitted.exit(), submitted.toString());
        assertTrue(UUID_LINE.matcher(submitted.out()).matches(), "stdout is the id and nothing else: " + submitted);
        assertTrue(submitted.err().contains("upload 100%"), submitted.toString());
        String id = submitted.line();

        Cli.Result status = await(() -> cli.run("hospital-a", "status", id), r -> r.out().contains("RECEIVED"));
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().startsWith("submission " + id + "  branch " + branch + "  institution hospital-a"), status.toString());
        JsonNode json = new ObjectMapper().readTree(cli.run("hospital-a", "status", id, "--json").out());
        assertEquals("hospital-a", json.path("institution").asText());

        // The same adapter again (a retry after a timeout, a double click) names the first, whatever the manifest says.
        Cli.Result again = submit(21, "{\"task\":\"tops\"}");
        assertEquals(4, again.exit(), again.toString());
        assertEquals("", again.out());
        assertTrue(again.err().contains("HTTP 409") && again.err().contains("DUPLICATE_SUBMISSION") && again.err().contains(id),
                again.toString());

        Cli.Result asJson = submit(24, "{\"task\":\"tops\"}", "--json");
        assertEquals(0, asJson.exit(), asJson.toString());
        JsonNode accepted = new ObjectMapper().readTree(asJson.out());
        assertEquals("/api/v1/submissions/" + accepted.path("submissionId").asText(), accepted.path("location").asText());
    }

    @Test
    void aManifestNamingAnotherInstitutionIsExit4NamingTheRuleAndField() throws Exception {
        Cli.Result refused = submit(22, "{\"task\":\"tops\",\"institution\":\"hospital-b\"}");
        assertEquals(4, refused.exit(), refused.toString());
        assertEquals("", refused.out());
        assertTrue(refused.err().contains("HTTP 400 Bad Request"), refused.toString());
        assertTrue(refused.err().contains("INSTITUTION_MISMATCH manifest.institution: names 'hospital-b'"), refused.toString());
    }

    @Test
    void aMissingFileIsAUsageErrorAndSendsNothing() throws Exception {
        Submissions.Files5 files = Submissions.write(dir, branch, 23, "{\"task\":\"tops\"}");
        Files.delete(files.distilled());
        Cli.Result missing = cli.run("hospital-a", files.submit(branch));
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("--distilled: no file"), missing.toString());
    }

    @Test
    void theStatusOfAnUnknownSubmissionIsARefusal() {
        Cli.Result unknown = cli.run("hospital-a", "status", java.util.UUID.randomUUID().toString());
        assertEquals(4, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("HTTP 404"), unknown.toString());
    }
}
