package dev.leadflow.testkit.kafka;

import dev.leadflow.embedded.kafka.KafkaBroker;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one {@link KafkaBroker} per test class:
 * {@code @RegisterExtension static KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private KafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = KafkaBroker.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public KafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the broker runs only inside the test class");
        }
        return broker;
    }
}
