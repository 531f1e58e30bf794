package dev.medforge.cli;

/**
 * A failure the user should read, not debug: the message is printed as is on stderr (no stack
 * trace) and the command exits with {@link #exitCode()}, one of the {@link ExitCode} codes.
 */
public class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CliException auth(String message) {
        return new CliException(ExitCode.AUTH, message);
    }

    public static CliException rejected(String message) {
        return new CliException(ExitCode.REJECTED, message);
    }

    public static CliException server(String message) {
        return new CliException(ExitCode.SERVER, message);
    }

    public static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }
}
