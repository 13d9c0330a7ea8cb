package dev.leadflow.launcher.demo;

import java.nio.file.Path;
import java.util.List;

/** Starts the seller API for the demo with freshly generated demo users. */
final class SellerApiLauncher {

    /** A demo user and the token to sign in with (only its hash is written to the users file). */
    public record DemoUser(String id, String token, String description) {}

    /** The running API. */
    interface Running extends AutoCloseable {
        int port();

        List<DemoUser> users();
    }

    private SellerApiLauncher() {}

    /** Null until the seller API module is part of the build. */
    static Running start(int port, String redisUri, String kafkaBootstrap, String registryUrl, Path dataDir) {
        return null;
    }
}
