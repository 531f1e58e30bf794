package dev.medforge.cli;

/**
 * The documented exit codes of every {@code medforge} verb. A class of their own, so that a verb
 * needs no import of {@link MedforgeCommand}, which lists the verbs.
 */
public final class ExitCode {
    public static final int OK = 0;
    /** Invalid input; picocli exits with it too. */
    public static final int USAGE = 2;
    public static final int AUTH = 3;
    /** The platform refused what was sent, or a submission ended REJECTED or GATED_OUT. */
    public static final int REJECTED = 4;
    /** The server failed, could not be reached, or did not answer in time. */
    public static final int SERVER = 5;

    private ExitCode() {
    }
}
