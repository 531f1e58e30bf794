package dev.medforge.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.medforge.cli.InProcessCli.medforge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15: every command README.md's tables document exists with that spelling. Each row that
 * starts with a {@code medforge} command is read up to its first argument or option, and that verb
 * path must answer {@code --help} with exit 0 and its usage. A renamed or removed verb fails here
 * instead of in a reader's shell.
 */
class DocumentedCommandsTest {

    /** The launcher's own verbs (the `medforge` script), which the CLI does not have. */
    private static final Set<String> LAUNCHER = Set.of("up", "down", "test", "demo", "stack", "help", "supervise");

    private static final Pattern ROW = Pattern.compile("^\\| `(?:\\./)?medforge ([^`]*)`");

    @Test
    void everyDocumentedVerbAnswersHelp() throws IOException {
        Set<List<String>> documented = documentedVerbs(Files.readAllLines(Path.of("..", "README.md")));
        assertTrue(documented.size() >= 25, "README.md's tables list the CLI's verbs: found " + documented);
        List<String> broken = new ArrayList<>();
        for (List<String> verb : documented) {
            List<String> args = new ArrayList<>(verb);
            args.add("--help");
            InProcessCli.Run run = medforge(args.toArray(String[]::new));
            if (run.exit() != 0 || !run.out().contains("Usage: medforge " + String.join(" ", verb))) {
                broken.add(String.join(" ", verb) + " (exit " + run.exit() + ": " + run.err().lines().findFirst().orElse("") + ")");
            }
        }
        assertEquals(List.of(), broken, "documented in README.md, but not a verb of the CLI");
    }

    /** Each documented command's verb path: the words after {@code medforge} up to the first argument, option or choice. */
    static Set<List<String>> documentedVerbs(List<String> readme) {
        Set<List<String>> verbs = new LinkedHashSet<>();
        for (String line : readme) {
            Matcher row = ROW.matcher(line);
            if (!row.find()) {
                continue;
            }
            List<String> verb = new ArrayList<>();
            for (String word : row.group(1).split(" ")) {
                if (!word.matches("[a-z][a-z-]*")) {
                    break;
                }
                verb.add(word);
            }
            if (!verb.isEmpty() && !LAUNCHER.contains(verb.get(0)) && !(verb.size() == 1 && verb.get(0).equals("status")
                    && row.group(1).trim().equals("status"))) {
                verbs.add(verb);
            }
        }
        return verbs;
    }
}
