package dev.medforge.registry.service;

import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.registry.Branch;
import dev.medforge.registry.Composite;
import dev.medforge.registry.ModelVersion;
import dev.medforge.registry.RegistryException;
import dev.medforge.registry.Withdrawal;
import dev.medforge.registry.mapping.BranchMapper;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads published versions and what they are made of. */
@ApplicationScoped
public class VersionService {

    /**
     * A version with its branch, the composite behind it and the composites of every version up to
     * it, oldest first: each composite records only the adapters it added, so the lineage is their
     * sequence. A fork's version 1 is a composite that records every adapter of the version it was
     * forked from. {@code withdrawals} are those published at or before this version: their
     * submissions are in the lineage's composites but no longer in the version.
     */
    public record PublishedVersion(Branch branch, ModelVersion version, Composite composite, List<Composite> lineage,
                                   List<Withdrawal> withdrawals) {

        /** Every adapter the version holds, in arrival order: the lineage's less those withdrawn. */
        public List<AdapterRef> members() {
            Set<String> withdrawn = withdrawals.stream().map(w -> w.submissionId).collect(Collectors.toSet());
            return lineage.stream().flatMap(c -> BranchMapper.adaptersOf(c).stream())
                    .filter(a -> !withdrawn.contains(a.submissionId()))
                    .toList();
        }
    }

    @WithSession
    public Uni<List<ModelVersion>> versions(String branchId) {
        return Branch.<Branch>findById(branchId).flatMap(branch -> {
            if (branch == null) {
                throw RegistryException.notFound("Branch", branchId);
            }
            return ModelVersion.list("branchId = ?1 order by number", branchId);
        });
    }

    @WithSession
    public Uni<PublishedVersion> version(String branchId, int number) {
        return published(branchId, number).map(published -> {
            if (published == null) {
                throw RegistryException.notFound("Version", branchId + "/" + number);
            }
            return published;
        });
    }

    /** Null when the branch has no such version; in the caller's session, so a transaction can read it too. */
    static Uni<PublishedVersion> published(String branchId, int number) {
        return ModelVersion.<ModelVersion>findById(new ModelVersion.Key(branchId, number)).flatMap(version -> {
            if (version == null) {
                return Uni.createFrom().nullItem();
            }
            return Branch.<Branch>findById(branchId).flatMap(branch -> Composite.<Composite>find(
                            "select c from Composite c, ModelVersion v where v.branchId = ?1 and v.number <= ?2"
                                    + " and c.id = v.compositeId order by v.number", branchId, number).list()
                    .flatMap(lineage -> Withdrawal.<Withdrawal>list("branchId = ?1 and state = ?2 and version <= ?3 order by version",
                                    branchId, Withdrawal.State.PUBLISHED, number)
                            .map(withdrawals -> new PublishedVersion(branch, version, lineage.get(lineage.size() - 1), lineage,
                                    withdrawals))));
        });
    }
}
