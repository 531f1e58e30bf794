package dev.medforge.cli;

import dev.medforge.cli.ml.AdapterCommand;
import dev.medforge.cli.ml.BaseCommand;
import dev.medforge.cli.ml.BenchCommand;
import dev.medforge.cli.ml.DistillCommand;
import dev.medforge.cli.ml.EvaluateCommand;
import dev.medforge.cli.ml.FloorCommand;
import dev.medforge.cli.ml.PrivacyCommand;
import dev.medforge.cli.demo.DemoCommand;
import dev.medforge.cli.demo.LoadtestCommand;
import dev.medforge.cli.gateway.BranchCommand;
import dev.medforge.cli.gateway.CardCommand;
import dev.medforge.cli.gateway.DiffCommand;
import dev.medforge.cli.gateway.LoginCommand;
import dev.medforge.cli.gateway.LogoutCommand;
import dev.medforge.cli.gateway.OpsCommand;
import dev.medforge.cli.gateway.PredictCommand;
import dev.medforge.cli.gateway.PullCommand;
import dev.medforge.cli.gateway.RetireCommand;
import dev.medforge.cli.gateway.StatusCommand;
import dev.medforge.cli.gateway.SubmitCommand;
import dev.medforge.cli.gateway.TaskCommand;
import dev.medforge.cli.gateway.VersionsCommand;
import dev.medforge.cli.gateway.WatchCommand;
import dev.medforge.cli.gateway.WhoamiCommand;
import dev.medforge.cli.gateway.WithdrawCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code medforge} command. Institutions and operators use it for the whole job; the repository
 * launcher {@code ./medforge} forwards every verb it does not own to this class.
 */
@Command(name = "medforge",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Build, distil and submit LoRA adapters to a MedForge branch, and follow what becomes of them.",
        subcommands = {CommandLine.HelpCommand.class, BaseCommand.class, AdapterCommand.class, DistillCommand.class, PrivacyCommand.class,
            BenchCommand.class, FloorCommand.class, LoginCommand.class, LogoutCommand.class, WhoamiCommand.class, TaskCommand.class,
            BranchCommand.class, SubmitCommand.class, StatusCommand.class, WatchCommand.class, VersionsCommand.class,
            CardCommand.class, DiffCommand.class, WithdrawCommand.class, RetireCommand.class, PullCommand.class, PredictCommand.class, EvaluateCommand.class, OpsCommand.class, DemoCommand.class,
            LoadtestCommand.class,
            CompletionCommand.class})
public final class MedforgeCommand implements Runnable {


    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /**
     * Picocli already exits with 2 ({@link ExitCode#USAGE}) on invalid input. A {@link CliException} is
     * a message for the user and its exit code; anything else keeps picocli's handling.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new MedforgeCommand()).setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException failure) {
                commandLine.getErr().println("medforge " + commandLine.getCommandName() + ": " + failure.getMessage());
                commandLine.getErr().flush();
                return failure.exitCode();
            }
            throw e;
        });
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
