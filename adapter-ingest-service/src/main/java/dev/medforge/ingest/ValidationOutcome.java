package dev.medforge.ingest;

import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterValidated.ValidationReport;

import java.util.List;

/** Either every check passed, with the report, or the list of every rule that failed. */
public sealed interface ValidationOutcome {

    record Valid(ValidationReport report) implements ValidationOutcome {
    }

    record Invalid(List<RejectionReason> reasons) implements ValidationOutcome {
    }
}
