package dev.medforge.ml.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Device choice in one place: the first GPU when DJL sees one, otherwise the CPU. */
public final class Devices {
    private Devices() {
    }

    public static Device preferred() {
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** "gpu" or "cpu", for reports. */
    public static String describe() {
        return preferred().isGpu() ? "gpu" : "cpu";
    }
}
