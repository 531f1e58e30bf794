package dev.medforge.registry.service;

import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.registry.Requests.AvailabilityRequest;
import dev.medforge.registry.BaseModel;
import dev.medforge.registry.Branch;
import dev.medforge.registry.Composite;
import dev.medforge.registry.DescribedVersion;
import dev.medforge.registry.ModelVersion;
import dev.medforge.registry.PublishedVersion;
import dev.medforge.registry.RegistryException;
import dev.medforge.registry.Task;
import dev.medforge.registry.Withdrawal;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

/** Reads published versions and what they are made of, and keeps the operator's choice of which may be downloaded. */
@ApplicationScoped
public class VersionService {

    private static final Logger LOG = Logger.getLogger(VersionService.class);

    /** Every version of the branch, oldest first, each with what it holds and what superseded it. */
    @WithSession
    public Uni<List<PublishedVersion>> versions(String branchId) {
        return Branch.<Branch>findById(branchId).flatMap(branch -> {
            if (branch == null) {
                throw RegistryException.notFound("Branch", branchId);
            }
            return ModelVersion.<ModelVersion>list("branchId = ?1 order by number", branchId)
                    .flatMap(versions -> lineage(branchId, Integer.MAX_VALUE)
                            .flatMap(composites -> publishedWithdrawals(branchId)
                                    .map(withdrawals -> IntStream.range(0, versions.size())
                                            .mapToObj(i -> new PublishedVersion(branch, versions.get(i), composites.subList(0, i + 1),
                                                    withdrawals))
                                            .toList())));
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

    /** A version with the base model and the tasks its card describes. */
    @WithSession
    public Uni<DescribedVersion> described(String branchId, int number) {
        return version(branchId, number).flatMap(published -> BaseModel.<BaseModel>findById(published.branch().baseModelId)
                .flatMap(base -> Task.<Task>list("branchId = ?1 order by name", branchId)
                        .map(tasks -> new DescribedVersion(published, base, tasks))));
    }

    /**
     * Takes a version's download away, or gives it back. The head cannot be taken away: subscribers
     * must always have a version to download, and a contribution leaves the head by withdrawal.
     */
    @WithTransaction
    public Uni<PublishedVersion> setAvailability(String branchId, int number, AvailabilityRequest request) {
        return published(branchId, number).flatMap(published -> {
            if (published == null) {
                throw RegistryException.notFound("Version", branchId + "/" + number);
            }
            ModelVersion version = published.version();
            if (!request.available() && number == published.branch().headVersion) {
                throw RegistryException.conflict(new FieldError("HEAD_VERSION", "version", "version " + number + " is the head of branch '"
                        + branchId + "' and must stay downloadable; withdraw the contribution that should leave it, or wait for a newer version"));
            }
            if (request.available()) {
                version.unavailableAt = null;
                version.unavailableBy = null;
                version.unavailableReason = null;
            } else if (version.unavailableAt == null) {
                version.unavailableAt = Instant.now();
                version.unavailableBy = request.requestedBy();
                version.unavailableReason = request.reason();
            }
            LOG.infof("branch %s: %s makes version %d %s%s", branchId, request.requestedBy(), number,
                    request.available() ? "available" : "unavailable", request.available() ? "" : " (" + request.reason() + ")");
            return Uni.createFrom().item(published);
        });
    }

    /** Null when the branch has no such version; in the caller's session, so a transaction can read it too. */
    static Uni<PublishedVersion> published(String branchId, int number) {
        return ModelVersion.<ModelVersion>findById(new ModelVersion.Key(branchId, number)).flatMap(version -> {
            if (version == null) {
                return Uni.createFrom().nullItem();
            }
            return Branch.<Branch>findById(branchId).flatMap(branch -> lineage(branchId, number)
                    .flatMap(lineage -> publishedWithdrawals(branchId)
                            .map(withdrawals -> new PublishedVersion(branch, version, lineage, withdrawals))));
        });
    }

    /** The composites of the branch's versions up to {@code number}, oldest first. */
    private static Uni<List<Composite>> lineage(String branchId, int number) {
        return Composite.<Composite>find("select c from Composite c, ModelVersion v where v.branchId = ?1 and v.number <= ?2"
                + " and c.id = v.compositeId order by v.number", branchId, number).list();
    }

    private static Uni<List<Withdrawal>> publishedWithdrawals(String branchId) {
        return Withdrawal.list("branchId = ?1 and state = ?2 order by version", branchId, Withdrawal.State.PUBLISHED);
    }
}
