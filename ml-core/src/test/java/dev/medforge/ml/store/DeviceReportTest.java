package dev.medforge.ml.store;

import dev.medforge.ml.model.Devices;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceReportTest {

    @Test
    void theLineNamesTheEngineItsVersionAndTheDeviceActuallyUsed() {
        String line = DeviceReport.line();
        assertTrue(line.startsWith("DJL PyTorch 2.7.1 computes on " + Devices.preferred()), line);
        assertTrue(line.contains("GPU(s) visible"), line);
    }
}
