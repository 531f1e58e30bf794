package dev.medforge.cli.gateway;

import java.io.IOException;

/** Small helpers shared by the gateway and identity-provider clients. */
final class Http {

    private Http() {
    }

    /** A network failure in words: several JDK exceptions carry no message of their own. */
    static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
