package dev.medforge.contracts.testing;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users of the local medforge realm (infra/keycloak/medforge-realm.json): {@code hospital-a},
 * {@code hospital-b} and {@code hospital-c} (contributors whose {@code institution} claim is their
 * name), {@code ops} (operator) and {@code viewer} (subscriber). Tests that change the registry for a
 * user send one of their tokens as the user the gateway acts for (contracts {@code OnBehalfOf}).
 */
public final class RealmUsers {

    private static final Map<String, RealmToken> TOKENS = new ConcurrentHashMap<>();

    private RealmUsers() {
    }

    /** An access token of {@code username}, for the gateway's audience as {@code medforge login} gets it. */
    public static String token(String username) {
        return TOKENS.computeIfAbsent(username, RealmToken::password).token();
    }

    /** The subject ({@code sub}) of {@code username}'s tokens, which owns what the user makes, such as webhooks. */
    public static String subject(String username) {
        try {
            return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token(username).split("\\.")[1])).path("sub").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
