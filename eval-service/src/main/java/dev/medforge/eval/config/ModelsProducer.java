package dev.medforge.eval.config;

import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.ml.store.ArtifactModels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

public class ModelsProducer {

    @Produces
    @ApplicationScoped
    ArtifactModels models(ArtifactStore store) {
        return new ArtifactModels(store);
    }
}
