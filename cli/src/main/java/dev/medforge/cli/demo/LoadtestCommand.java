package dev.medforge.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.cli.CliException;
import dev.medforge.cli.ExitCode;
import dev.medforge.cli.gateway.Digests;
import dev.medforge.cli.gateway.GatewayAddresses;
import dev.medforge.cli.gateway.GatewayClient;
import dev.medforge.cli.gateway.PasswordSession;
import dev.medforge.cli.gateway.SubmitCommand;
import dev.medforge.cli.gateway.UploadProgress;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.ml.bench.ForwardFloor;
import dev.medforge.ml.data.Scenario;
import dev.medforge.ml.model.BaseModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code medforge loadtest}: many institutions submitting to the running stack through the
 * gateway, with Poisson arrivals, to measure latency, throughput and how the cost of a version
 * grows with its lineage (issue 12). Setup (accounts, base, branches, tasks, adapters) is done
 * first and is not measured; adapters are cached by base and institution between runs.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = {"Drive the running stack through the gateway with N institutions submitting at Poisson arrivals, then report"
                + " submit -> final latency (p50/p95/max), versions per minute, time per stage, queue waits, rebases and splits,"
                + " and merge and evaluation work time per version, as a table, JSON (--json) and an SVG plot (--plot).",
            "Makes its institutions' Keycloak accounts (loadtest-01 ...) with the realm administrator, and new branches named"
                + " loadtest-<date>-<time>-<k>. Exit codes: 0 every submission final and every version holds the one before it;"
                + " 4 a submission did not finish in time or a version lost an earlier one; 3 sign-in failed; 5 stack unreachable."})
public final class LoadtestCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_MILLIS = 3000;
    private static final int FLOOR_IMAGES = 4096;
    private static final int FLOOR_PASSES = 5;
    /** What infra/lib/services.sh starts the services with, unless the caller's environment sets it. */
    private static final String SERVICES_OMP_WAIT_POLICY = System.getenv().getOrDefault("OMP_WAIT_POLICY", "PASSIVE");

    @Spec
    CommandSpec spec;

    @Option(names = "--institutions", defaultValue = "20", description = "institutions, each with a task of its own (default ${DEFAULT-VALUE})")
    int institutions;

    @Option(names = "--rounds", defaultValue = "1", description = "adapters each institution submits, every round a new one trained with"
            + " another seed for the same task: rounds after the first grow the lineage without adding tasks (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--rate", defaultValue = "2", description = "mean submissions per minute; arrivals are Poisson (default ${DEFAULT-VALUE})")
    double ratePerMinute;

    @Option(names = "--branches", defaultValue = "1", description = "branches; institution i submits to branch i mod K (default ${DEFAULT-VALUE})")
    int branchCount;

    @Option(names = "--json", paramLabel = "OUT", description = "write the report as JSON")
    Path json;

    @Option(names = "--plot", paramLabel = "OUT.svg", description = "write latency and work time against version number as SVG")
    Path plot;

    @Option(names = "--quick", description = "small data, 1 epoch and short distillation: a smoke run (pipeline tests use it)")
    boolean quick;

    @Option(names = "--seed", defaultValue = "1", description = "seeds the arrival times and every institution's training (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--base", description = "an existing base model directory (from 'base pretrain'); default: one pretrained once into --work")
    Path existingBase;

    @Option(names = "--work", defaultValue = ".medforge/loadtest", description = "base, adapters and accounts' sign-ins (default ${DEFAULT-VALUE})")
    Path work;

    @Option(names = "--strategy", defaultValue = "fusion", description = "the branches' merge strategy (default ${DEFAULT-VALUE})")
    String strategy;

    // A load test measures the pipeline, not merge quality: a permissive gate keeps every honest
    // adapter in, so every submission costs a full round and the versions grow as the branch would.
    @Option(names = "--max-regression", defaultValue = "100", description = "the branches' gate (default ${DEFAULT-VALUE}: off)")
    String maxRegression;

    @Option(names = "--max-new-task-gap", defaultValue = "100", description = "the branches' gate (default ${DEFAULT-VALUE}: off)")
    String maxNewTaskGap;

    @Option(names = "--timeout", defaultValue = "1800", description = "seconds to wait, after the last arrival, for every submission to end (default ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Mixin
    StackActors actors;

    @Option(names = "--issuer", defaultValue = "${env:MEDFORGE_OIDC_ISSUER:-http://127.0.0.1:8180/realms/medforge}",
            description = "OIDC issuer (default ${DEFAULT-VALUE})")
    String issuer;

    @Option(names = "--keycloak-admin", defaultValue = "admin", description = "Keycloak master realm administrator (default ${DEFAULT-VALUE})")
    String keycloakAdmin;

    @Option(names = "--keycloak-admin-password-env", defaultValue = "MEDFORGE_KEYCLOAK_ADMIN_PASSWORD",
            description = "environment variable with the administrator's password; the local stack's medforge-dev when unset")
    String keycloakAdminPasswordEnv;

    @Option(names = "--metrics", split = ",", defaultValue = "http://127.0.0.1:8081,http://127.0.0.1:8082,http://127.0.0.1:8083,http://127.0.0.1:8084",
            description = "services whose /q/metrics give queue waits and registry decisions (default ${DEFAULT-VALUE}; add 8085, 8105"
                    + " ... for extra workers)")
    List<URI> metrics;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (institutions < 1 || rounds < 1 || branchCount < 1 || ratePerMinute <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--institutions, --rounds and --branches must be at least 1, --rate above 0");
        }
        Optional<GatewayAddresses> ready = actors.readyGateways(err);
        if (ready.isEmpty()) {
            return ExitCode.SERVER;
        }
        GatewayAddresses gateways = ready.get();
        String password = actors.password();
        String run = "loadtest-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Scenario scenario = quick ? LoadScenario.of(institutions, 300, 200) : LoadScenario.of(institutions, 2000, 500);
        Files.createDirectories(work);
        Path scenarioFile = work.resolve(scenario.name() + (quick ? "-quick" : "") + ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(scenarioFile.toFile(), scenario);
        CliRunner cli = new CliRunner(err, Map.of("MEDFORGE_CONFIG_DIR", work.resolve("config").toAbsolutePath().toString(),
                "MEDFORGE_GATEWAY_URL", gateways.toString(), "MEDFORGE_OIDC_ISSUER", issuer));
        try {
            progress(err, "setup: accounts loadtest-01 .. " + LoadScenario.institution(institutions - 1) + " in Keycloak");
            KeycloakAccounts accounts = KeycloakAccounts.signIn(URI.create(issuer).resolve("/"), realm(issuer), keycloakAdmin,
                    System.getenv().getOrDefault(keycloakAdminPasswordEnv, "medforge-dev"));
            Map<String, PasswordSession> sessions = new LinkedHashMap<>();
            for (Scenario.Institution institution : scenario.institutions()) {
                accounts.ensureContributor(institution.id(), password);
                sessions.put(institution.id(), new PasswordSession(URI.create(issuer), institution.id(), password).signIn());
            }
            PasswordSession ops = new PasswordSession(URI.create(issuer), actors.operator, password).signIn();
            actors.signIn(cli, actors.operator);

            Path base = base(cli, err, run);
            List<String> branches = new ArrayList<>();
            for (int k = 1; k <= branchCount; k++) {
                String branch = run + "-" + k;
                progress(err, "setup: branch " + branch + " (strategy " + strategy + ", gate " + maxRegression + "/" + maxNewTaskGap + ")");
                cli.run(actors.operator, List.of("branch", "create", "--profile", actors.operator, "--branch", branch, "--base", base.toString(),
                        "--strategy", strategy, "--max-regression", maxRegression, "--max-new-task-gap", maxNewTaskGap));
                branches.add(branch);
            }
            List<Contribution> contributions = new ArrayList<>();
            int i = 0;
            for (Scenario.Institution institution : scenario.institutions()) {
                String branch = branches.get(i++ % branchCount);
                progress(err, "setup " + i + "/" + institutions + ": " + institution.id() + " registers task " + institution.task()
                        + " " + institution.classNames() + " on " + branch);
                actors.signIn(cli, institution.id());
                cli.run(institution.id(), List.of("task", "register", "--profile", institution.id(), "--branch", branch,
                        "--scenario", scenarioFile.toString(), "--institution", institution.id()));
                for (int round = 1; round <= rounds; round++) {
                    contributions.add(new Contribution(institution, branch, round, adapter(cli, scenarioFile, institution, base, round)));
                }
            }

            ServiceMetrics before = ServiceMetrics.scrape(metrics);
            long start = System.nanoTime();
            List<LoadReport.Sent> sent = submitAll(err, gateways, contributions, sessions, start);
            boolean finished = awaitFinal(err, gateways, sessions, sent, start);
            ServiceMetrics after = ServiceMetrics.scrape(metrics);
            // Measured here, after the run, so the pipeline's own work does not slow the floor down.
            LoadReport.Floor floor = floor(err, base, SERVICES_OMP_WAIT_POLICY);
            LoadReport.Floor defaultPolicyFloor = floor(err, base, null);
            List<LoadReport.Version> versions = new ArrayList<>();
            for (String branch : branches) {
                GatewayClient reader = ops.client(gateways, err);
                for (JsonNode version : reader.get("/api/v1/branches/" + GatewayClient.segment(branch) + "/versions")) {
                    versions.add(new LoadReport.Version(branch, reader.get("/api/v1/branches/" + GatewayClient.segment(branch)
                            + "/versions/" + version.path("version").asInt())));
                }
            }
            versions.sort((a, b) -> a.branch().equals(b.branch()) ? Integer.compare(a.number(), b.number()) : a.branch().compareTo(b.branch()));
            ObjectNode settings = JSON.createObjectNode().put("institutions", institutions).put("rounds", rounds).put("ratePerMinute", ratePerMinute)
                    .put("seed", seed).put("quick", quick).put("strategy", strategy);
            branches.forEach(settings.putArray("branches")::add);
            metrics.stream().filter(m -> !before.answered().contains(m) || !after.answered().contains(m)).forEach(m ->
                    err.println("loadtest: " + m + "/q/metrics did not answer before and after the run (" + ServiceMetrics.TRIES
                            + " tries each; before: " + before.unanswered().getOrDefault(m, "read") + ", after: "
                            + after.unanswered().getOrDefault(m, "read") + "); its queue waits and decisions are left out"));
            LoadReport report = new LoadReport(settings, sent, versions, before, after, floor, defaultPolicyFloor);
            report.print(out);
            if (json != null) {
                report.writeJson(json);
                err.println("report written to " + json);
            }
            if (plot != null) {
                report.writePlot(plot);
                err.println("plot written to " + plot);
            }
            List<String> broken = lineageGaps(versions);
            broken.forEach(gap -> err.println("loadtest: " + gap));
            if (!finished || !broken.isEmpty()) {
                err.println("loadtest: not every submission ended, or a version lost an earlier one; exit 4");
                return ExitCode.REJECTED;
            }
            return ExitCode.OK;
        } catch (CliRunner.VerbFailed e) {
            err.println("loadtest stopped in setup: " + e.getMessage());
            return e.exitCode == ExitCode.AUTH ? ExitCode.AUTH : ExitCode.SERVER;
        }
    }

    /**
     * The forward-pass floor from {@code medforge floor} in a process of its own, started with
     * {@code ompWaitPolicy} (null: as this one was), or null when it could not be measured: the run's
     * other figures stand without it.
     */
    private static LoadReport.Floor floor(PrintWriter err, Path base, String ompWaitPolicy) {
        String policy = ompWaitPolicy != null ? ompWaitPolicy : System.getenv().getOrDefault("OMP_WAIT_POLICY", "default");
        progress(err, "the forward-pass floor (OpenMP wait policy " + policy + "): " + FLOOR_IMAGES + " images through the bare base,"
                + " best of " + FLOOR_PASSES + " passes");
        CliRunner runner = new CliRunner(err, ompWaitPolicy == null ? Map.of() : Map.of("OMP_WAIT_POLICY", ompWaitPolicy));
        try {
            String measured = runner.run("floor", List.of("floor", "--base", base.toString(), "--images", String.valueOf(FLOOR_IMAGES),
                    "--passes", String.valueOf(FLOOR_PASSES), "--json"));
            return new LoadReport.Floor(JSON.readValue(measured, ForwardFloor.class), policy);
        } catch (CliRunner.VerbFailed | IOException e) {
            err.println("loadtest: the forward-pass floor was not measured (" + e.getMessage() + "); the evaluation is not held against it");
            return null;
        }
    }

    /** The base: --base, or one pretrained once into --work and kept with the id the registry binds to its digest. */
    private Path base(CliRunner cli, PrintWriter err, String run) throws IOException {
        if (existingBase != null) {
            progress(err, "setup: base model " + existingBase);
            return existingBase;
        }
        Path base = work.resolve(quick ? "base-quick" : "base");
        if (Files.isRegularFile(base.resolve(BaseModel.WEIGHTS_FILE))) {
            progress(err, "setup: reusing the base model in " + base);
            return base;
        }
        progress(err, "setup: pretraining a base model into " + base + " (once; later runs reuse it)");
        cli.run(actors.operator, List.of("base", "pretrain", "--scenario", "fashion3", "--out", base.toString(),
                "--id", "medforge/vit-fmnist-tiny-" + run, "--epochs", quick ? "1" : "6"));
        return base;
    }

    /** One adapter to submit: an institution's adapter of one round, on the institution's branch. */
    record Contribution(Scenario.Institution institution, String branch, int round, Path dir) {
    }

    /**
     * The institution's adapter of {@code round}, distilled set and manifest, trained unless an
     * earlier run left them for the same base, institution, data and settings: the cache directory is
     * named by their digest. Each round trains with another seed; the first keeps the seed (and the
     * cache) of runs that had one round only.
     */
    private Path adapter(CliRunner cli, Path scenarioFile, Scenario.Institution institution, Path base, int round) throws IOException {
        ArtifactDigest baseDigest = ArtifactDigest.parse(Digests.sha256(base.resolve(BaseModel.WEIGHTS_FILE)));
        List<Object> inputs = new ArrayList<>(List.of(JSON.writeValueAsString(institution), quick, seed));
        if (round > 1) {
            inputs.add(round);
        }
        String settings = Integer.toHexString(inputs.hashCode());
        Path dir = work.resolve("adapters").resolve(baseDigest.hex().substring(0, 12))
                .resolve(institution.id() + "-" + settings);
        if (Files.isRegularFile(dir.resolve("manifest.json"))) {
            return dir;
        }
        String institutionSeed = String.valueOf(1_000_000L * (round - 1) + 1_000L * seed + institution.seed());
        cli.run(institution.id(), List.of("adapter", "train", "--scenario", scenarioFile.toString(), "--institution", institution.id(),
                "--base", base.toString(), "--out", dir.resolve("adapter").toString(), "--epochs", quick ? "1" : "2", "--seed", institutionSeed));
        cli.run(institution.id(), List.of("distill", "--scenario", scenarioFile.toString(), "--institution", institution.id(),
                "--base", base.toString(), "--out", dir.resolve("distilled").toString(), "--iterations", quick ? "100" : "300",
                "--seed", institutionSeed));
        // Last, so that a run stopped half-way trains this institution again.
        DemoCommand.writeManifest(dir, institution.id(), institution.task(), "load test adapter for " + institution.task());
        return dir;
    }

    /**
     * The contributions in order (every institution's first round, then every second, ...) at Poisson
     * arrival times; uploads run beside the clock so a slow one delays no other.
     */
    private List<LoadReport.Sent> submitAll(PrintWriter err, GatewayAddresses gateways, List<Contribution> contributions,
                                            Map<String, PasswordSession> sessions, long start) throws Exception {
        Random arrivals = new Random(seed);
        ExecutorService uploads = Executors.newFixedThreadPool(4);
        List<Future<LoadReport.Sent>> pending = new ArrayList<>();
        double at = 0;
        PrintWriter silent = new PrintWriter(Writer.nullWriter());
        List<Contribution> ordered = contributions.stream()
                .sorted(Comparator.comparingInt(Contribution::round)).toList();
        progress(err, String.format(Locale.ROOT, "submitting: %d adapter(s) from %d institution(s) at %.1f per minute (about %.0f s)",
                ordered.size(), institutions, ratePerMinute, ordered.size() * 60 / ratePerMinute));
        try {
            for (Contribution contribution : ordered) {
                Scenario.Institution institution = contribution.institution();
                String branch = contribution.branch();
                at += -Math.log(1 - arrivals.nextDouble()) * 60 / ratePerMinute;
                long wait = start + (long) (at * 1e9) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                double arrival = (System.nanoTime() - start) / 1e9;
                Path dir = contribution.dir();
                PasswordSession session = sessions.get(institution.id());
                pending.add(uploads.submit(() -> {
                    String id = SubmitCommand.upload(session.client(gateways, err), branch, dir.resolve("adapter"),
                            dir.resolve("distilled").resolve("distilled.safetensors"), dir.resolve("distilled").resolve("privacy-report.json"),
                            dir.resolve("manifest.json"), new UploadProgress(silent, "upload"));
                    progress(err, String.format(Locale.ROOT, "%.0f s: %s submitted %s to %s", arrival, institution.id(), id, branch));
                    return new LoadReport.Sent(institution.id(), branch, id, arrival, JSON.createObjectNode());
                }));
            }
            List<LoadReport.Sent> sent = new ArrayList<>();
            for (Future<LoadReport.Sent> f : pending) {
                try {
                    sent.add(f.get());
                } catch (ExecutionException e) {
                    // A refused upload is the gateway's answer, said in one line as every verb says it.
                    throw e.getCause() instanceof CliException refused ? refused : e;
                }
            }
            return sent;
        } finally {
            uploads.shutdownNow();
        }
    }

    /**
     * Polls each submission not yet final and keeps its latest status in {@code sent}, until all are
     * final or the timeout passes; a line of progress every 15 s.
     */
    private boolean awaitFinal(PrintWriter err, GatewayAddresses gateways, Map<String, PasswordSession> sessions, List<LoadReport.Sent> sent, long start)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long nextLine = 0;
        while (true) {
            for (int k = 0; k < sent.size(); k++) {
                LoadReport.Sent s = sent.get(k);
                if (!LoadReport.isFinal(s.stage())) {
                    try {
                        JsonNode status = sessions.get(s.institution()).client(gateways, err).get("/api/v1/submissions/" + s.submissionId());
                        sent.set(k, new LoadReport.Sent(s.institution(), s.branch(), s.submissionId(), s.arrivalSeconds(), status));
                    } catch (CliException unanswered) {
                        // One failed read does not end a run of many minutes: the next round asks again, and
                        // a gateway that stays away leaves the submissions unfinished at the timeout.
                        progress(err, "reading " + s.submissionId() + " failed, asking again: " + unanswered.getMessage());
                    }
                }
            }
            long done = sent.stream().filter(s -> LoadReport.isFinal(s.stage())).count();
            if (done == sent.size() || System.nanoTime() > deadline) {
                if (done < sent.size()) {
                    err.printf("loadtest: %d submission(s) not final after %d s%n", sent.size() - done, timeoutSeconds);
                }
                return done == sent.size();
            }
            if (System.nanoTime() >= nextLine) {
                Map<String, Integer> stages = new LinkedHashMap<>();
                sent.forEach(s -> stages.merge(s.stage(), 1, Integer::sum));
                progress(err, String.format(Locale.ROOT, "%.0f s: %d of %d final %s", (System.nanoTime() - start) / 1e9, done, sent.size(), stages));
                nextLine = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Completeness: every version of a branch holds every submission of the version before it. */
    static List<String> lineageGaps(List<LoadReport.Version> versions) {
        List<String> gaps = new ArrayList<>();
        Map<String, Set<String>> previous = new LinkedHashMap<>();
        for (LoadReport.Version v : versions) {
            Set<String> members = new HashSet<>();
            v.card().path("adapters").forEach(a -> members.add(a.path("submissionId").asText()));
            Set<String> before = previous.getOrDefault(v.branch(), Set.of());
            if (!members.containsAll(before)) {
                Set<String> lost = new HashSet<>(before);
                lost.removeAll(members);
                gaps.add(v.branch() + " version " + v.number() + " does not hold " + lost + " of the version before it");
            }
            previous.put(v.branch(), members);
        }
        return gaps;
    }

    private static String realm(String issuer) {
        String path = URI.create(issuer).getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static void progress(PrintWriter err, String line) {
        synchronized (err) {
            err.println("[loadtest] " + line);
            err.flush();
        }
    }
}
