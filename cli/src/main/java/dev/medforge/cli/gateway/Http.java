package dev.medforge.cli.gateway;

import java.io.IOException;
import java.net.ConnectException;

/** Small helpers shared by the gateway and identity-provider clients. */
public final class Http {

    private Http() {
    }

    /** A network failure in words: several JDK exceptions carry no message of their own. */
    public static String describe(IOException e) {
        String message = e.getMessage();
        // The HTTP client's refusal carries no message at all; this is what the socket said.
        if (e instanceof ConnectException && (message == null || message.isBlank())) {
            return "Connection refused";
        }
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
