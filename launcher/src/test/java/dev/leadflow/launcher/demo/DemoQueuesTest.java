package dev.leadflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.api.SellerApiConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's speed-to-lead settings are valid and say what the demo promises. */
class DemoQueuesTest {

    @TempDir
    Path dir;

    @Test
    void handRaisersHaveAFiveMinuteTargetAndEscalateToTheOverflowQueue() throws Exception {
        Path queues = Files.writeString(dir.resolve("queues.yaml"), SellerApiLauncher.QUEUES);
        SellerApiConfig config = SellerApiConfig.defaults(dir.resolve("users.yaml")).withQueues(queues);
        assertThat(config.toString()).contains("queues with settings=[overflow]");
        assertThat(SellerApiLauncher.QUEUES).contains("kind: hand-raiser", "target: 5m", "overflowTo: overflow");
    }
}
