package dev.medforge.contracts;

/**
 * JSON Merge Patch (RFC 7396), the body of partial updates: a member set to a value changes it, a
 * member set to null removes it (for a setting, back to its default), and members left out stay.
 */
public final class MergePatch {

    public static final String MEDIA_TYPE = "application/merge-patch+json";

    private MergePatch() {
    }
}
