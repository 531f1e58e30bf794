package dev.medforge.contracts.registry;

/**
 * How the gateway tells the registry whom a change is for: it forwards the user's own access token,
 * and the registry verifies that token itself and reads the institution and the user's name from
 * its claims. So whose task, withdrawal or webhook it is never rests on a field the gateway fills
 * in: a fault or a compromise in the gateway cannot act for an institution without that
 * institution's token.
 */
public final class OnBehalfOf {

    /** The header with the user's access token, beside the gateway's own token in {@code Authorization}. */
    public static final String HEADER = "X-MedForge-On-Behalf-Of";

    private OnBehalfOf() {
    }
}
