package dev.medforge.ml.store;

import ai.djl.engine.Engine;
import dev.medforge.ml.model.Devices;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

/**
 * Says at start which engine and device a service that loads models computes on. This build ships
 * only PyTorch's CPU native library (no CUDA jar for PyTorch 2.7.1 is on Maven Central), so an
 * operator who set up a GPU must be able to see whether it is used, not assume it.
 */
@ApplicationScoped
public class DeviceReport {
    private static final System.Logger LOG = System.getLogger(DeviceReport.class.getName());

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        LOG.log(System.Logger.Level.INFO, line());
    }

    /** One line: engine, version, the device used and the GPUs the engine sees. */
    public static String line() {
        Engine engine = Engine.getInstance();
        return String.format("DJL %s %s computes on %s (%d GPU(s) visible to the engine; %s)", engine.getEngineName(),
                engine.getVersion(), Devices.preferred(), engine.getGpuCount(),
                engine.getGpuCount() > 0 ? "CUDA native library loaded" : "CPU native library; see README 'Running on a GPU'");
    }
}
