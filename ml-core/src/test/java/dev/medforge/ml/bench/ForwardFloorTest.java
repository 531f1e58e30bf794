package dev.medforge.ml.bench;

import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.VitConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardFloorTest {

    private static BaseModel base(int depth) {
        VitConfig config = new VitConfig("floor-test", 28, 1, 7, 64, depth, 4, 4);
        return BaseModel.of(config, BaseModel.initialWeights(config, 5));
    }

    @Test
    void theFloorFollowsTheModelsCostAndConvertsImagesToSeconds() {
        ForwardFloor shallow = ForwardFloor.measure(base(1), 512, 3);
        ForwardFloor deep = ForwardFloor.measure(base(12), 512, 3);

        assertEquals(512, shallow.images());
        assertEquals(3, shallow.passes());
        // Twelve blocks do about ten times the work of one; best-of-3 keeps a busy machine from hiding that.
        assertTrue(shallow.imagesPerSecond() > 2 * deep.imagesPerSecond(),
                "1 block " + shallow.imagesPerSecond() + " images/s, 12 blocks " + deep.imagesPerSecond());
        assertEquals(1000 / deep.imagesPerSecond(), deep.seconds(1000), 1e-12);
    }

    @Test
    void aFloorNeedsImagesPassesAndAFiniteRate() {
        assertThrows(IllegalArgumentException.class, () -> ForwardFloor.measure(base(1), 0, 3));
        assertThrows(IllegalArgumentException.class, () -> ForwardFloor.measure(base(1), 16, 0));
        assertThrows(IllegalArgumentException.class, () -> new ForwardFloor(16, 1, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new ForwardFloor(16, 1, 0));
    }
}
