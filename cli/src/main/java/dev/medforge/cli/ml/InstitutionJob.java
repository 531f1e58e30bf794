package dev.medforge.cli.ml;

import dev.medforge.ml.data.Scenario;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.model.BaseModel;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The options of every command that works on one institution's data of a scenario, on a base model. */
final class InstitutionJob {

    @Option(names = "--scenario", required = true, description = "bundled scenario name (fashion3) or JSON file")
    String scenario;

    @Option(names = "--institution", required = true, description = "institution id in the scenario")
    String institution;

    @Option(names = "--base", required = true, description = "base model directory (from 'base pretrain')")
    Path base;

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    BaseModel baseModel() throws IOException {
        return BaseModel.load(base);
    }

    ScenarioData.InstitutionData data() throws IOException {
        return ScenarioData.load(Scenario.load(scenario)).institution(institution);
    }
}
