package dev.medforge.ml.store;

import dev.medforge.contracts.artifacts.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * Gives the Quarkus services that load models one {@link ArtifactModels} over their artifact store.
 * Found through this jar's META-INF/beans.xml; the CLI, which has no CDI, never loads it.
 */
public class ArtifactModelsProducer {

    @Produces
    @ApplicationScoped
    ArtifactModels models(ArtifactStore store) {
        return new ArtifactModels(store);
    }
}
