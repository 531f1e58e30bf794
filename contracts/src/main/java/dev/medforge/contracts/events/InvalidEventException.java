package dev.medforge.contracts.events;

/** A message that is not a well-formed MedForge event; it belongs in the topic's dead-letter queue. */
public class InvalidEventException extends RuntimeException {
    public InvalidEventException(String message) {
        super(message);
    }
}
