package dev.medforge.cli.ml;

import static dev.medforge.cli.InProcessCli.medforge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.cli.InProcessCli;
import dev.medforge.ml.bench.ForwardFloor;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.VitConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code medforge floor}: the rate a load test holds evaluations against, read back as the load test reads it. */
class FloorCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path base(Path dir, int depth) throws Exception {
        VitConfig config = new VitConfig("floor-" + depth, 28, 1, 7, 64, depth, 4, 4);
        Path out = dir.resolve("base-" + depth);
        BaseModel.of(config, BaseModel.initialWeights(config, 3)).save(out);
        return out;
    }

    @Test
    void theJsonIsAForwardFloorOfTheGivenBase(@TempDir Path dir) throws Exception {
        InProcessCli.Run shallow = medforge("floor", "--base", base(dir, 1).toString(), "--images", "512", "--passes", "3", "--json");
        InProcessCli.Run deep = medforge("floor", "--base", base(dir, 12).toString(), "--images", "512", "--passes", "3", "--json");
        assertEquals(0, shallow.exit(), shallow.err());
        assertEquals(0, deep.exit(), deep.err());

        ForwardFloor one = JSON.readValue(shallow.out(), ForwardFloor.class);
        ForwardFloor twelve = JSON.readValue(deep.out(), ForwardFloor.class);
        assertEquals(512, one.images());
        assertEquals(3, one.passes());
        // Twelve blocks do about ten times the work of one: the rate is the given base's, not a default's.
        assertTrue(one.imagesPerSecond() > 2 * twelve.imagesPerSecond(), "1 block " + one + ", 12 blocks " + twelve);
    }

    @Test
    void theTextSaysTheRateAndTheOpenMpSettingsItWasMeasuredUnder() {
        InProcessCli.Run run = medforge("floor", "--images", "64", "--passes", "1");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().matches("(?s)\\d+ images/s: the fastest of 1 passes over 64 images \\(OMP_NUM_THREADS \\S+, OMP_WAIT_POLICY \\S+\\)\\s*"),
                run.out());
    }

    @Test
    void noImagesOrNoPassesIsAUsageErrorNamingTheOptions() {
        InProcessCli.Run run = medforge("floor", "--images", "0");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--images and --passes must be at least 1, got 0 and 5"), run.err());
    }
}
