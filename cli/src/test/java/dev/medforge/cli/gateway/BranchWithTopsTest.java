package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medforge.ml.store.PipelineFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Tests that act as hospital-a on a fresh branch of their own whose task "tops" is hospital-a's. */
@ExtendWith(GatewayStack.class)
abstract class BranchWithTopsTest {

    @TempDir
    Path dir;

    Cli cli;
    String branch;

    @BeforeEach
    void branchAndLogin() {
        cli = new Cli(dir.resolve("config"), GatewayStack.gatewayUrl());
        branch = PipelineFixtures.newBranch(GatewayStack.store(), GatewayStack.registryUrl());
        assertEquals(0, cli.login("hospital-a").exit());
    }

    /** {@code medforge submit} with the files of a fixture adapter, {@code extra} options first. */
    Cli.Result submit(long seed, String manifestJson, String... extra) throws Exception {
        return cli.run("hospital-a", Submissions.write(dir.resolve("s" + seed), branch, seed, manifestJson).submit(branch, extra));
    }

    /** Runs {@code command} until its result satisfies {@code done}: the registry records statuses a moment later. */
    static Cli.Result await(Supplier<Cli.Result> command, Predicate<Cli.Result> done) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        Cli.Result result;
        do {
            result = command.get();
            if (done.test(result)) {
                return result;
            }
            Thread.sleep(300);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("not there within 30 s: " + result);
    }
}
