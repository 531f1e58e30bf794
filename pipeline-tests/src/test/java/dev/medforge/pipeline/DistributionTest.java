package dev.medforge.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installable CLI that the reactor builds (cli/target/medforge-cli-dist.zip), unzipped
 * elsewhere as a user would and run through its bin/medforge, without the repository.
 */
class DistributionTest {

    private static final Path ZIP = Path.of("..", "cli", "target", "medforge-cli-dist.zip");

    @TempDir
    Path installed;

    private record Run(int exit, String output) { }

    @Test
    void theUnzippedCliRunsFromItsBinScriptAndNamesItsVersion() throws Exception {
        Path home = unzip();
        Path script = home.resolve("bin").resolve("medforge");
        assertTrue(Files.isRegularFile(script), "bin/medforge in " + home);

        Run version = run(script, Map.of(), "--version");
        assertEquals(0, version.exit(), version.output());
        assertTrue(version.output().startsWith("medforge " + home.getFileName().toString().substring("medforge-".length())),
                "the version is the distribution's: " + version.output());

        Run help = run(script, Map.of(), "--help");
        assertEquals(0, help.exit(), help.output());
        for (String verb : List.of("submit", "status", "pull", "bench", "privacy", "completion")) {
            assertTrue(help.output().contains(verb), verb + " in the help:\n" + help.output());
        }
        assertTrue(help.output().lines().noneMatch(l -> l.startsWith("SLF4J")), "no logging-provider warnings:\n" + help.output());
    }

    @Test
    void withoutJavaTheScriptSaysWhatItNeeds() throws Exception {
        Path script = unzip().resolve("bin").resolve("medforge");
        Run run = run(script, Map.of("JAVA_HOME", installed.resolve("no-java").toString()), "--version");
        assertEquals(127, run.exit(), run.output());
        assertTrue(run.output().contains("Java 17 or later is needed"), run.output());
    }

    /** The zip's one folder, medforge-VERSION, extracted under the test's own directory. */
    private Path unzip() throws IOException {
        assertTrue(Files.isRegularFile(ZIP), ZIP.toAbsolutePath() + " is built by mvn package (cli module)");
        Path top = null;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(ZIP))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                Path target = installed.resolve(entry.getName()).normalize();
                assertTrue(target.startsWith(installed), "entry inside the folder: " + entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
                Path first = installed.resolve(installed.relativize(target).getName(0));
                assertTrue(top == null || top.equals(first), "one top folder, got " + top + " and " + first);
                top = first;
            }
        }
        assertTrue(top != null && top.getFileName().toString().startsWith("medforge-"), "top folder " + top);
        return top;
    }

    /** Through sh, as the zip format keeps no execute bit that every unzip restores. */
    private static Run run(Path script, Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("sh", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "bin/medforge " + String.join(" ", args) + " finished");
        return new Run(p.exitValue(), output);
    }
}
