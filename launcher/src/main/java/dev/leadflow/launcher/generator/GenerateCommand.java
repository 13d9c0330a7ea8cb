package dev.leadflow.launcher.generator;

import dev.leadflow.launcher.Flags;
import dev.leadflow.schemas.KafkaClientProperties;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * {@code leadflow generate}: synthetic traffic into any Kafka and Confluent-compatible schema
 * registry. Creates the three input topics if they are missing (when allowed to).
 */
public final class GenerateCommand {

    private GenerateCommand() {}

    public static int run(Flags flags, PrintStream out, PrintStream err) throws Exception {
        String bootstrap = flags.string("bootstrap-servers", "localhost:9092");
        String registryUrl = flags.string("registry-url", "http://localhost:8081");
        String user = flags.string("registry-user", null);
        String password = flags.string("registry-password", null);
        Path passwordFile = flags.path("registry-password-file", null);
        double rate = flags.decimal("rate", 100);
        Duration duration = flags.duration("duration", null);
        long count = flags.longValue("count", -1);
        long seed = flags.longValue("seed", System.nanoTime());
        Instant start = flags.instant("start", Instant.now());
        int partitions = flags.integer("partitions", 2);
        Map<String, String> kafka = new java.util.LinkedHashMap<>(flags.withPrefix("kafka."));
        Path kafkaFile = flags.path("kafka-properties-file", null);
        flags.requireAllUsed();
        if (kafkaFile != null) {
            // a mounted file keeps sasl.jaas.config off the command line; --kafka.* flags override its entries
            try {
                KafkaClientProperties.read(kafkaFile, "--kafka-properties-file").forEach(kafka::putIfAbsent);
            } catch (IllegalArgumentException e) {
                throw new Flags.UsageException(e.getMessage());
            }
        }
        if (duration != null && count >= 0) {
            throw new Flags.UsageException("give --duration or --count, not both");
        }
        if (passwordFile != null) {
            password = Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
        }
        RegistryConfig registry = RegistryConfig.of(registryUrl);
        if (user != null) {
            if (password == null) {
                throw new Flags.UsageException("--registry-user needs --registry-password or --registry-password-file");
            }
            registry = registry.withBasicAuth(user, password);
        }

        createTopicsIfMissing(bootstrap, kafka, partitions, err);
        TrafficGenerator generator = new TrafficGenerator(seed, start.toEpochMilli(), rate > 0 ? rate : 1000);
        out.printf("Generating into %s (registry %s), seed %d, start %s, %s%s%n", bootstrap, registry.url(), seed, start,
                rate > 0 ? String.format("%,.0f events/s", rate) : "as fast as possible",
                count >= 0 ? String.format(", %,d events", count) : duration != null ? ", for " + duration.toSeconds() + " s" : ", until Ctrl-C");
        try (EventProducer producer = new EventProducer(bootstrap, registry, kafka, rate <= 0 || rate > 5_000)) {
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

    static void createTopicsIfMissing(String bootstrap, Map<String, String> kafka, int partitions, PrintStream err) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.putAll(kafka);
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String t : List.of(Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES)) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, partitions, (short) -1));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // Not fatal: the topics may exist under ACLs that hide them, or the broker auto-creates them.
            err.println("note: could not check or create the input topics (" + e.getMessage() + "); sending anyway");
        }
    }

}
