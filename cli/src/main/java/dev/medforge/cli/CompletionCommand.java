package dev.medforge.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code medforge completion bash|zsh}: the shell completion script for every verb and option,
 * generated from the command tree itself so it cannot fall behind. picocli's script serves zsh too,
 * through zsh's bashcompinit, which the script enables itself.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.",
            "bash: source <(medforge completion bash)   zsh: source <(medforge completion zsh)"})
final class CompletionCommand implements Runnable {

    enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash(root.getCommandName(), root));
        spec.commandLine().getOut().flush();
    }
}
