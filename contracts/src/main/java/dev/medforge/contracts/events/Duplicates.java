package dev.medforge.contracts.events;

/**
 * The final word for a submission whose adapter bytes the branch already has, whoever notices it
 * (the merge worker against the head's lineage, or the registry against a known composite): a
 * {@code REJECTED} status whose detail starts with {@value #RULE} and says which submission it repeats.
 */
public final class Duplicates {

    public static final String RULE = "DUPLICATE";

    private Duplicates() {
    }

    /**
     * @param where what became of the earlier one, e.g. {@code "version 3"}
     * @return the detail; the earlier submission is named to its own institution only: another's ids are not theirs to learn
     */
    public static String detail(AdapterRef earlier, AdapterRef repeat, String where) {
        String original = earlier.institution().equals(repeat.institution()) ? "submission " + earlier.submissionId()
                : "another institution's submission";
        return RULE + " adapter_model " + repeat.adapterModel() + " is the same adapter as " + original + ", already in " + where;
    }
}
