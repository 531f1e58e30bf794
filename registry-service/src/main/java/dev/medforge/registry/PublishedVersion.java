package dev.medforge.registry;

import dev.medforge.contracts.events.AdapterRef;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A version with its branch and the composites of every version up to it, oldest first: each
 * composite records only the adapters it added, so the lineage is their sequence. A fork's
 * version 1 is a composite that records every adapter of the version it was forked from.
 * {@code withdrawals} are every published withdrawal from the branch, in version order: those
 * at or before this version took their submission out of it; a later one whose submission this
 * version still holds supersedes it.
 */
public record PublishedVersion(Branch branch, ModelVersion version, List<Composite> lineage, List<Withdrawal> withdrawals) {

    /** The composite behind this version. */
    public Composite composite() {
        return lineage.get(lineage.size() - 1);
    }

    /** The withdrawals published at or before this version. */
    public List<Withdrawal> withdrawn() {
        return withdrawals.stream().filter(w -> w.version <= version.number).toList();
    }

    /** Every adapter the version holds, in arrival order: the lineage's less those withdrawn. */
    public List<AdapterRef> members() {
        Set<String> withdrawn = withdrawn().stream().map(w -> w.submissionId).collect(Collectors.toSet());
        return lineage.stream().flatMap(c -> c.adapterRefs().stream())
                .filter(a -> !withdrawn.contains(a.submissionId()))
                .toList();
    }

    /** The later withdrawals of a submission this version holds: each names a newer version without it. */
    public List<Withdrawal> supersededBy() {
        Set<String> held = members().stream().map(AdapterRef::submissionId).collect(Collectors.toSet());
        return withdrawals.stream().filter(w -> w.version > version.number && held.contains(w.submissionId)).toList();
    }
}
