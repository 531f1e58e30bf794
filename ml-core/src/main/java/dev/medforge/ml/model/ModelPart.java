package dev.medforge.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * A composable piece of the network, in the spirit of a DJL Block: it declares its parameters
 * with explicit shapes (full names, PyTorch/PEFT style) and maps an input to an output.
 * Parameters live outside the part, in the {@link ForwardContext}.
 */
public interface ModelPart {

    /** Full parameter name to shape, in a stable order. */
    Map<String, Shape> parameterShapes();

    NDArray forward(ForwardContext ctx, NDArray x);
}
