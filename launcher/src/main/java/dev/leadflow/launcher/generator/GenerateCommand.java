package dev.leadflow.launcher.generator;

import dev.leadflow.launcher.Flags;
import dev.leadflow.launcher.ops.KafkaConnection;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code leadflow generate}: synthetic traffic into any Kafka and Confluent-compatible schema
 * registry. Creates the three input topics if they are missing (when allowed to).
 */
public final class GenerateCommand {

    private GenerateCommand() {}

    public static int run(Flags flags, PrintStream out, PrintStream err) throws Exception {
        KafkaConnection connection = KafkaConnection.from(flags);
        String bootstrap = connection.bootstrapServers();
        RegistryConfig registry = connection.registry();
        Map<String, String> kafka = connection.kafkaProperties();
        double rate = flags.decimal("rate", 100);
        Duration duration = flags.duration("duration", null);
        long count = flags.longValue("count", -1);
        long seed = flags.longValue("seed", System.nanoTime());
        Instant start = flags.instant("start", Instant.now());
        int partitions = flags.integer("partitions", 2);
        double eventRate = flags.decimal("event-rate", 1000);
        if (flags.has("event-rate") && rate > 0) {
            throw new Flags.UsageException("--event-rate is for --rate 0 (a history written as fast as possible); "
                    + "paced, event times follow the clock");
        }
        if (!(eventRate > 0)) {
            throw new Flags.UsageException("--event-rate must be positive, was " + eventRate);
        }
        flags.requireAllUsed();
        if (duration != null && count >= 0) {
            throw new Flags.UsageException("give --duration or --count, not both");
        }

        createTopicsIfMissing(connection, partitions, err);
        TrafficGenerator generator = new TrafficGenerator(seed, start.toEpochMilli(), rate > 0 ? rate : eventRate);
        out.printf("Generating into %s (registry %s), seed %d, start %s, %s%s%n", bootstrap, registry.url(), seed, start,
                rate > 0 ? String.format("%,.0f events/s", rate) : "as fast as possible",
                count >= 0 ? String.format(", %,d events", count) : duration != null ? ", for " + duration.toSeconds() + " s" : ", until Ctrl-C");
        // Unpaced, event times run at --event-rate (default 1,000 events/s of simulated time): the records
        // must carry them. Paced, they follow the clock, and the send time starts the latency.
        EventProducer.RecordTime recordTime = rate > 0 ? EventProducer.RecordTime.SEND : EventProducer.RecordTime.EVENT;
        try (EventProducer producer = new EventProducer(bootstrap, registry, kafka, rate <= 0 || rate > 5_000, recordTime)) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(main::interrupt);
            Runtime.getRuntime().addShutdownHook(hook);
            GeneratorRun.Result r = new GeneratorRun(generator, producer::send)
                    .rate(rate).count(count).duration(duration).progress(err).run();
            producer.flush();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook already ran
            }
            out.printf("Sent %,d events; acknowledged %,d. People by persona: %s%n", r.events(), producer.acked(),
                    generator.peopleByPersona());
        }
        return 0;
    }

    static void createTopicsIfMissing(KafkaConnection connection, int partitions, PrintStream err) {
        connection.createTopicsIfMissing(partitions, err, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES);
    }

}
