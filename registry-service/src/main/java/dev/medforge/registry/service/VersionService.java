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

    /**
     * The branch's versions numbered above {@code after} (all when null), oldest first, each with what
     * it holds and what superseded it: at most {@code limit} + 1 of them, so that the one over the
     * limit tells the caller a next page exists; every one when {@code limit} is null. A page reads
     * its own rows and the lineage up to its last version, not the whole branch.
     */
    @WithSession
    public Uni<List<PublishedVersion>> versions(String branchId, Integer after, Integer limit) {
        return Branch.<Branch>findById(branchId).flatMap(branch -> {
            if (branch == null) {
                throw RegistryException.notFound("Branch", branchId);
            }
            var rows = ModelVersion.<ModelVersion>find("branchId = ?1 and number > ?2 order by number", branchId, after == null ? 0 : after);
            return (limit == null ? rows.list() : rows.range(0, limit).list()).flatMap(versions -> versions.isEmpty()
                    ? Uni.createFrom().item(List.<PublishedVersion>of())
                    : lineage(branchId, versions.get(versions.size() - 1).number)
                            .flatMap(composites -> publishedWithdrawals(branchId).map(withdrawals -> IntStream.range(0, versions.size())
                                    // The page's rows are the last ones of the lineage, so version i's lineage ends that far from its end.
                                    .mapToObj(i -> new PublishedVersion(branch, versions.get(i),
                                            composites.subList(0, composites.size() - (versions.size() - 1 - i)), withdrawals))
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
