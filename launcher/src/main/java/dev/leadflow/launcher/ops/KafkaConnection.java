package dev.leadflow.launcher.ops;

import dev.leadflow.launcher.Flags;
import dev.leadflow.schemas.KafkaClientProperties;
import dev.leadflow.schemas.RegistryConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Where a command talks to Kafka and the schema registry, from the flags every Kafka-facing command shares:
 * {@code --bootstrap-servers}, {@code --registry-url}, {@code --registry-user} with {@code --registry-password}
 * or {@code --registry-password-file}, {@code --kafka-properties-file} and {@code --kafka.<property>} (which
 * overrides the file's entries; a mounted file keeps {@code sasl.jaas.config} off the command line).
 */
public record KafkaConnection(String bootstrapServers, RegistryConfig registry, Map<String, String> kafkaProperties) {

    public KafkaConnection {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** Reads the shared flags; call before {@link Flags#requireAllUsed()}. */
    public static KafkaConnection from(Flags flags) throws IOException {
        String bootstrap = flags.string("bootstrap-servers", "localhost:9092");
        String registryUrl = flags.string("registry-url", "http://localhost:8081");
        String user = flags.string("registry-user", null);
        String password = flags.string("registry-password", null);
        Path passwordFile = flags.path("registry-password-file", null);
        Map<String, String> kafka = new LinkedHashMap<>(flags.withPrefix("kafka."));
        Path kafkaFile = flags.path("kafka-properties-file", null);
        if (kafkaFile != null) {
            try {
                KafkaClientProperties.read(kafkaFile, "--kafka-properties-file").forEach(kafka::putIfAbsent);
            } catch (IllegalArgumentException e) {
                throw new Flags.UsageException(e.getMessage());
            }
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
        return new KafkaConnection(bootstrap, registry, kafka);
    }

    /** Client properties: the bootstrap servers, then every {@code --kafka.*} property. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.putAll(kafkaProperties);
        return p;
    }

    /**
     * Creates those of the topics that are missing. Not fatal when it cannot: the topics may exist under ACLs
     * that hide them, or the broker creates them on first use; a note goes to {@code err}.
     */
    public void createTopicsIfMissing(int partitions, PrintStream err, String... topics) {
        try (Admin admin = Admin.create(clientProperties())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String t : topics) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, partitions, (short) -1));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            err.println("note: could not check or create the topics " + List.of(topics) + " (" + e.getMessage()
                    + "); going on");
        }
    }
}
