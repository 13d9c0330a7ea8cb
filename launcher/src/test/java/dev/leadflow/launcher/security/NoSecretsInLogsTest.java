package dev.leadflow.launcher.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadflow.api.SellerApi;
import dev.leadflow.api.SellerApiConfig;
import dev.leadflow.api.Users;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ClickType;
import dev.leadflow.embedded.kafka.KafkaBroker;
import dev.leadflow.embedded.redis.RedisAclFile;
import dev.leadflow.embedded.redis.RedisServer;
import dev.leadflow.job.JobSettings;
import dev.leadflow.job.LeadFlowJob;
import dev.leadflow.job.LeadFlowPipeline;
import dev.leadflow.launcher.LocalFlink;
import dev.leadflow.launcher.generator.EventProducer;
import dev.leadflow.launcher.generator.GeneratedEvent;
import dev.leadflow.launcher.registry.RegistryServer;
import dev.leadflow.schemas.KafkaClientProperties;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import dev.leadflow.testkit.Await;
import dev.leadflow.testkit.redis.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Scenario 10 of issue 6, "no secret in any log line": the scoring job (on a MiniCluster) and the
 * seller API run with every credential LeadFlow has — Redis ACL users over TLS, Kafka SASL/PLAIN,
 * registry basic auth, a seller's bearer token — given the way a deployment gives them (files and
 * environment). A hand-raiser flows end to end (Kafka over SASL → job → Redis over TLS as
 * leadflow-job → seller API as leadflow-api → claim and accept with the token → HANDOFF_ACCEPTED on
 * Kafka over SASL). Every log event of the JVM meanwhile (Kafka, Flink, Jedis, Jetty, LeadFlow; with
 * stack traces) is captured, and none may hold any of the secrets. Also a wrong bearer token and a
 * wrong Redis password are tried, whose failures are logged. Takes about 30-60 s.
 */
class NoSecretsInLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String RANDOM = HexFormat.of().formatHex(SecureRandom.getSeed(6));

    private static final String REDIS_JOB_PASSWORD = "RedisJob-" + RANDOM;
    private static final String REDIS_API_PASSWORD = "RedisApi-" + RANDOM;
    private static final String REGISTRY_PASSWORD = "Registry-" + RANDOM;
    private static final String SASL_JOB_PASSWORD = "SaslJob-" + RANDOM;
    private static final String SASL_API_PASSWORD = "SaslApi-" + RANDOM;
    private static final String WRONG_TOKEN = "WrongToken-" + RANDOM;
    private static final String WRONG_REDIS_PASSWORD = "WrongRedis-" + RANDOM;

    @TempDir
    Path dir;

    @Test
    void aRunWithEveryCredentialLogsNoneOfThem() throws Exception {
        String token = Users.newToken();
        List<String> secrets = List.of(REDIS_JOB_PASSWORD, REDIS_API_PASSWORD, REGISTRY_PASSWORD, SASL_JOB_PASSWORD,
                SASL_API_PASSWORD, token, WRONG_TOKEN, WRONG_REDIS_PASSWORD);
        String leadId = "lead-secret-" + UUID.randomUUID();
        Deque<AutoCloseable> open = new ArrayDeque<>();
        List<String> events;
        String canary = "Canary-" + RANDOM;
        try (LogCapture capture = LogCapture.install()) {
            // proof that the capture sees LeadFlow's loggers and Kafka's (quiet in the test config)
            LoggerFactory.getLogger(LeadFlowJob.class).info("log capture check {}", canary);
            LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient").info("log capture check {}", canary);
            try {
                runEverything(open, token, leadId);
            } finally {
                while (!open.isEmpty()) {
                    open.pop().close();
                }
            }
            events = capture.events();
        }

        // the capture saw the configuration dumps in which the secrets would be
        assertThat(events).as("log events captured").hasSizeGreaterThan(100);
        assertThat(events.stream().filter(e -> e.contains(canary))).hasSize(2);
        assertThat(events).anySatisfy(e -> assertThat(e).contains("Starting leadflow-scoring with")
                .contains("redis=RedisConfig[rediss://leadflow-job:***@127.0.0.1").contains("sasl.jaas.config=***"));
        assertThat(events).anySatisfy(e -> assertThat(e).contains("seller API listening")
                .contains("rediss://leadflow-api:***@").contains("password ***"));
        assertThat(events).anySatisfy(e -> assertThat(e).contains("sasl.jaas.config = [hidden]"));
        for (String secret : secrets) {
            assertThat(events.stream().filter(e -> e.contains(secret)).toList())
                    .as("log events holding the secret %s...", secret.substring(0, 6)).isEmpty();
        }
    }

    private void runEverything(Deque<AutoCloseable> open, String token, String leadId) throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        TestCertificates certs = TestCertificates.generate(dir.resolve("tls"));
        Path acl = RedisAclFile.forTest(Path.of("..", "docker", "redis", "users.acl"),
                Map.of("leadflow-job", REDIS_JOB_PASSWORD, "leadflow-api", REDIS_API_PASSWORD), "admin-" + RANDOM,
                dir.resolve("users.acl"));
        RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withPassword("admin-" + RANDOM)
                .withAclFile(acl).withTls(certs.serverTls("optional")));
        open.push(redis);
        KafkaBroker kafka = KafkaBroker.start(KafkaBroker.Options.defaults().withSaslPlainUsers(
                Map.of("leadflow-job", SASL_JOB_PASSWORD, "leadflow-api", SASL_API_PASSWORD)));
        open.push(kafka);
        kafka.createTopics(1, Topics.CLICKSTREAM, Topics.CAMPAIGN, Topics.SALES, Topics.HANDOFFS, Topics.DLQ,
                Topics.SCORING_MODEL);
        RegistryServer registry = RegistryServer.start("127.0.0.1", 0, null).requireBasicAuth("leadflow", REGISTRY_PASSWORD);
        open.push(registry);

        Path registryPassword = Files.writeString(secrets.resolve("registry-password"), REGISTRY_PASSWORD + "\n");
        Path jobRedisPassword = Files.writeString(secrets.resolve("redis-job-password"), REDIS_JOB_PASSWORD);
        Path apiRedisPassword = Files.writeString(secrets.resolve("redis-api-password"), REDIS_API_PASSWORD);
        Path jobKafka = kafkaProperties(secrets.resolve("kafka-job.properties"), "leadflow-job", SASL_JOB_PASSWORD);
        Path apiKafka = kafkaProperties(secrets.resolve("kafka-api.properties"), "leadflow-api", SASL_API_PASSWORD);
        String redisUri = "redis://127.0.0.1:" + redis.tlsPort();

        // the job, configured as in a deployment: flags for the rest, secrets from files named in the environment
        JobSettings settings = JobSettings.fromArgs(new String[] {"--bootstrap-servers", kafka.saslBootstrapServers(),
                "--registry-url", registry.url(), "--registry-user", "leadflow", "--redis-uri", redisUri,
                "--redis-user", "leadflow-job", "--redis-tls-ca-file", certs.caCert().toString(),
                "--group-id", "no-secrets", "--checkpoint-interval", "2s", "--parallelism", "1"},
                Map.of("LEADFLOW_REGISTRY_PASSWORD_FILE", registryPassword.toString(),
                        "LEADFLOW_REDIS_PASSWORD_FILE", jobRedisPassword.toString(),
                        "LEADFLOW_KAFKA_PROPERTIES_FILE", jobKafka.toString()));
        ScoringModel model = ScoringModel.defaults();
        LeadFlowJob.logStart(settings, model);
        LocalFlink flink = LocalFlink.start(1, 0, dir.resolve("checkpoints"), new Configuration());
        open.push(flink);
        StreamExecutionEnvironment env = flink.environment();
        LeadFlowJob.configure(env, settings);
        LeadFlowPipeline.defineWorkflow(env, LeadFlowJob.kafkaInputs(settings), LeadFlowJob.kafkaOutputs(settings),
                model, settings);
        JobID job = flink.submit(env, LeadFlowJob.JOB_NAME);
        open.push(() -> flink.cancel(job));
        flink.awaitRunning(job, TIMEOUT);

        // the seller API, configured through LEADFLOW_API_* variables
        Path users = Files.writeString(dir.resolve("users.yaml"), "users:\n  - id: ada\n    name: Ada Seller\n"
                + "    role: seller\n    queues: [\"*\"]\n    tokenSha256: " + Users.hash(token) + "\n");
        Map<String, String> apiEnv = new HashMap<>();
        apiEnv.put("LEADFLOW_API_PORT", "0");
        apiEnv.put("LEADFLOW_API_USERS_FILE", users.toString());
        apiEnv.put("LEADFLOW_API_REDIS_URI", redisUri);
        apiEnv.put("LEADFLOW_API_REDIS_USER", "leadflow-api");
        apiEnv.put("LEADFLOW_API_REDIS_PASSWORD_FILE", apiRedisPassword.toString());
        apiEnv.put("LEADFLOW_API_REDIS_TLS_CA_FILE", certs.caCert().toString());
        apiEnv.put("LEADFLOW_API_KAFKA_BOOTSTRAP_SERVERS", kafka.saslBootstrapServers());
        apiEnv.put("LEADFLOW_API_KAFKA_PROPERTIES_FILE", apiKafka.toString());
        apiEnv.put("LEADFLOW_API_REGISTRY_URL", registry.url());
        apiEnv.put("LEADFLOW_API_REGISTRY_USER", "leadflow");
        apiEnv.put("LEADFLOW_API_REGISTRY_PASSWORD_FILE", registryPassword.toString());
        SellerApi api = SellerApi.start(SellerApiConfig.load(null, apiEnv));
        open.push(api);
        String apiUrl = "http://127.0.0.1:" + api.port();

        // a hand-raiser, produced over SASL with the registry's basic auth
        try (EventProducer producer = new EventProducer(kafka.saslBootstrapServers(),
                RegistryConfig.of(registry.url()).withBasicAuth("leadflow", REGISTRY_PASSWORD),
                KafkaClientProperties.read(jobKafka, "test"), false, EventProducer.RecordTime.SEND)) {
            Instant now = Instant.now();
            producer.send(click(leadId, ClickType.IDENTIFY, "identify", now, traits()));
            producer.send(click(leadId, ClickType.TRACK, "demo_requested", now.plusMillis(1), Map.of()));
            producer.flush();
        }

        String queue = Await.until(TIMEOUT, "lead " + leadId + " through the seller API", () -> findLead(apiUrl, token, leadId));
        HttpResponse<String> claim = post(apiUrl + "/api/v1/queues/" + queue + "/claim", token, "");
        assertThat(claim.statusCode()).as(claim.body()).isEqualTo(200);
        String lease = JSON.readTree(claim.body()).path("leaseToken").asText();
        HttpResponse<String> accept = post(apiUrl + "/api/v1/leads/" + leadId + "/accept", token,
                JSON.writeValueAsString(Map.of("leaseToken", lease)));
        assertThat(accept.statusCode()).as(accept.body()).isEqualTo(200);
        // the API's producer wrote the outcome over SASL
        kafka.readUntil(Topics.SALES, records -> records.stream()
                .anyMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals(leadId)), TIMEOUT);

        // failures that get logged: a wrong token, a wrong Redis password
        assertThat(get(apiUrl + "/api/v1/queues", WRONG_TOKEN).statusCode()).isEqualTo(401);
        SellerApiConfig wrong = SellerApiConfig.load(null, Map.of("LEADFLOW_API_PORT", "0",
                "LEADFLOW_API_USERS_FILE", users.toString(), "LEADFLOW_API_REDIS_URI", redisUri,
                "LEADFLOW_API_REDIS_USER", "leadflow-api", "LEADFLOW_API_REDIS_PASSWORD", WRONG_REDIS_PASSWORD,
                "LEADFLOW_API_REDIS_TLS_CA_FILE", certs.caCert().toString(),
                "LEADFLOW_API_KAFKA_BOOTSTRAP_SERVERS", kafka.saslBootstrapServers(),
                "LEADFLOW_API_KAFKA_PROPERTIES_FILE", apiKafka.toString()));
        try (SellerApi refused = SellerApi.start(wrong)) {
            assertThat(get("http://127.0.0.1:" + refused.port() + "/api/v1/queues", token).statusCode()).isEqualTo(503);
        }
    }

    private static Path kafkaProperties(Path file, String user, String password) throws Exception {
        return Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user + "\" password=\"" + password + "\";\n");
    }

    private static Map<String, String> traits() {
        return Map.of("email", "ada@bigcorp-secrets.com", "first_name", "Ada", "last_name", "Lovelace",
                "title", "VP Engineering", "company", "BigCorp", "company_domain", "bigcorp-secrets.com",
                "company_size", "5000", "industry", "Software", "country", "US");
    }

    private static GeneratedEvent click(String leadId, ClickType type, String name, Instant at, Map<String, String> traits) {
        ClickEvent e = ClickEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(at)
                .setAnonymousId("anon-" + leadId).setLeadId(leadId).setType(type).setName(name).setUrl(null)
                .setProperties(new HashMap<>()).setTraits(new HashMap<>(traits)).build();
        return new GeneratedEvent(Topics.CLICKSTREAM, leadId, e, at.toEpochMilli(), leadId, null);
    }

    private static Optional<String> findLead(String apiUrl, String token, String leadId) {
        try {
            JsonNode queues = JSON.readTree(get(apiUrl + "/api/v1/queues", token).body());
            for (JsonNode q : queues.has("queues") ? queues.get("queues") : queues) {
                String name = q.get("name").asText();
                JsonNode leads = JSON.readTree(get(apiUrl + "/api/v1/queues/" + name + "/leads?limit=100", token).body());
                for (JsonNode l : leads.has("leads") ? leads.get("leads") : leads) {
                    if (l.get("leadId").asText().equals(leadId)) {
                        return Optional.of(name);
                    }
                }
            }
            return Optional.empty();
        } catch (Exception notYet) {
            return Optional.empty();
        }
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String token, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
