package dev.leadflow.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.embedded.redis.RedisAclFile;
import dev.leadflow.embedded.redis.RedisServer;
import dev.leadflow.testkit.redis.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Scenario 10 of issue 6 for Redis: the shipped ACL users (docker/redis/users.acl, with test
 * passwords) run the whole queue and nothing else, over plain TCP and TLS with a certificate made
 * here; wrong passwords and untrusted certificates fail with a clear message that never holds the
 * password. One redis-server (plain and TLS port) for the class.
 */
class RedisAccessTest {

    static final Path SHIPPED_ACL = Path.of("..", "docker", "redis", "users.acl");
    private static final String ADMIN_PASSWORD = "admin-Zq81";
    private static final String JOB_PASSWORD = "job-secret-K7v2x";
    private static final String API_PASSWORD = "api-secret-M4n9w";
    private static final String QUEUE = "default";

    private static Path dir;
    private static TestCertificates certs;
    private static RedisServer redis;

    @BeforeAll
    static void startRedisWithTheShippedUsers() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(tmp);
        dir = Files.createTempDirectory(tmp, "redis-access-");
        certs = TestCertificates.generate(dir.resolve("tls"));
        Path acl = RedisAclFile.forTest(SHIPPED_ACL,
                Map.of("leadflow-job", JOB_PASSWORD, "leadflow-api", API_PASSWORD), ADMIN_PASSWORD,
                dir.resolve("users.acl"));
        redis = RedisServer.start(RedisServer.Options.defaults().withPassword(ADMIN_PASSWORD).withAclFile(acl)
                .withTls(certs.serverTls("optional")));
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void empty() {
        redis.flushAll();
    }

    private static RedisConfig plain(String user, String password) {
        return RedisConfig.of(redis.host(), redis.port()).withCredentials(user, password);
    }

    private static RedisConfig tls(String user, String password) {
        return RedisConfig.of(redis.host(), redis.tlsPort()).withCredentials(user, password)
                .withTls(RedisTls.trusting(certs.caCert().toString()));
    }

    private static Function<String[], RedisConfig> transport(String name) {
        return name.equals("tls") ? a -> tls(a[0], a[1]) : a -> plain(a[0], a[1]);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plain", "tls"})
    void theQueueWorksEndToEndAsTheJobAndTheApiUsers(String transport) {
        Function<String[], RedisConfig> config = transport(transport);
        try (HandoffQueue job = HandoffQueue.connect(config.apply(new String[] {"leadflow-job", JOB_PASSWORD}),
                HandoffQueue.Options.defaults());
             HandoffQueue api = HandoffQueue.connect(config.apply(new String[] {"leadflow-api", API_PASSWORD}),
                     HandoffQueue.Options.defaults())) {
            // the job's sink: enqueue, update and withdraw in one pipelined batch, with INFO replication
            HandoffQueue.Applied batch = job.applyAllTracked(List.of(
                    Leads.enqueue(QUEUE, "lead-1", "h1", 1, 80, 1_000),
                    Leads.enqueue(QUEUE, "lead-2", "h2", 1, 70, 2_000),
                    Leads.enqueue(QUEUE, "lead-3", "h3", 1, 60, 3_000),
                    Leads.update(QUEUE, "lead-1", "h1", 2, 90, 1_000),
                    QueueAction.withdraw(QUEUE, "lead-3", "h3", 2)));
            assertThat(batch.results()).containsOnly(ApplyResult.APPLIED);
            assertThat(batch.replicationId()).hasSize(40);

            // the seller API: every call it makes
            assertThat(api.queues()).containsExactly(QUEUE);
            assertThat(api.depth(QUEUE)).isEqualTo(2);
            assertThat(api.oldestEnqueuedAt(QUEUE)).contains(1_000L);
            assertThat(api.peek(QUEUE, 10)).extracting(QueuedLead::leadId).containsExactly("lead-1", "lead-2");
            assertThat(api.get(QUEUE, "lead-2")).isPresent();
            String lastBefore = api.lastChangeId(QUEUE).orElseThrow();

            Claim first = api.claim(QUEUE, "seller-a", Duration.ofMinutes(5)).orElseThrow();
            assertThat(first.leadId()).isEqualTo("lead-1");
            assertThat(api.claimedCount(QUEUE)).isEqualTo(1);
            assertThat(api.checkLease(QUEUE, "lead-1", first.leaseToken()).outcome()).isEqualTo(Outcome.OK);
            assertThat(api.accept(QUEUE, "lead-1", first.leaseToken())).isEqualTo(Outcome.OK);

            Claim second = api.claim(QUEUE, "seller-a", Duration.ofMinutes(5)).orElseThrow();
            assertThat(api.release(QUEUE, "lead-2", second.leaseToken())).isEqualTo(Outcome.OK);
            Claim again = api.claim(QUEUE, "seller-b", Duration.ofMinutes(5)).orElseThrow();
            assertThat(api.reject(QUEUE, "lead-2", again.leaseToken(), "not now")).isEqualTo(Outcome.OK);
            assertThat(api.reclaimExpired(QUEUE)).isZero();
            assertThat(api.claim(QUEUE, "seller-a", Duration.ofMinutes(5))).isEqualTo(Optional.empty());

            assertThat(api.changes(QUEUE, lastBefore, 100)).extracting(QueueChange::type).isNotEmpty();
            assertThat(api.awaitChanges(QUEUE, lastBefore, 100, Duration.ofMillis(100))).isNotEmpty();

            // the job's sink erases a lead (GDPR) with its own user
            assertThat(job.erase("lead-2")).containsExactly(QUEUE);
            assertThat(api.get(QUEUE, "lead-2")).isEmpty();

            // response targets and escalation (docs/speed-to-lead.md): every call of the seller API's workers,
            // and the job's writes to a lead that was moved to an overflow queue
            api.enableTargets(QUEUE);
            job.apply(Leads.enqueue(QUEUE, "lead-4", "h4", 1, 50, 4_000));
            assertThat(api.fresh(QUEUE, 10)).extracting(Escalations.Fresh::leadId).containsExactly("lead-4");
            api.schedule(QUEUE, "lead-4", "h4", "any", List.of(5_000L, 6_000L), 4_000, "{\"leadId\":\"lead-4\"}", "n1");
            assertThat(api.due(QUEUE, 10)).hasSize(1);
            assertThat(api.escalate(QUEUE, "lead-4", "h4", 1, 10, null, "{\"leadId\":\"lead-4\"}", "n2").taken()).isTrue();
            assertThat(api.escalate(QUEUE, "lead-4", "h4", 2, 0, "overflow", null, null).movedTo()).isEqualTo("overflow");
            assertThat(api.completeMoves(QUEUE, Duration.ZERO)).isZero();
            for (Escalations.Note note : api.takeNotes(QUEUE, 10, Duration.ofMinutes(1))) {
                api.noteDone(QUEUE, note.noteId(), true, Duration.ZERO, 3);
            }
            assertThat(api.claim("overflow", "seller-a", Duration.ofMinutes(5), 3)).isPresent();
            assertThat(api.held("overflow", "seller-a")).isEqualTo(1);
            assertThat(job.apply(QueueAction.withdraw(QUEUE, "lead-4", "h4", 2))).isEqualTo(ApplyResult.APPLIED);
            assertThat(api.get("overflow", "lead-4")).isEmpty();
            assertThat(job.erase("lead-4")).containsExactly(QUEUE, "overflow");

            // assignment mode: availability, offers, taking one
            job.apply(Leads.enqueue(QUEUE, "lead-5", "h5", 1, 50, 5_000));
            api.setAvailable(QUEUE, "seller-c", System.currentTimeMillis() + 60_000);
            assertThat(api.isAvailable(QUEUE, "seller-c", System.currentTimeMillis())).isTrue();
            Offer offer = api.assign(QUEUE, Duration.ofSeconds(30), 3).orElseThrow();
            assertThat(api.offerOf(QUEUE, "seller-c")).contains(offer);
            assertThat(api.take(QUEUE, "lead-5", offer.leaseToken(), Duration.ofMinutes(5)).outcome()).isEqualTo(Outcome.OK);
            api.setAvailable(QUEUE, "seller-c", 0);
        }
    }

    @Test
    void afterTheScriptCacheIsEmptiedTheUsersMayLoadTheScriptsAgain() {
        flushScripts();
        try (HandoffQueue job = HandoffQueue.connect(plain("leadflow-job", JOB_PASSWORD), HandoffQueue.Options.defaults());
             HandoffQueue api = HandoffQueue.connect(plain("leadflow-api", API_PASSWORD), HandoffQueue.Options.defaults())) {
            assertThat(job.apply(Leads.enqueue(QUEUE, "lead-9", "h9", 1, 50, 1))).isEqualTo(ApplyResult.APPLIED);
            flushScripts();
            assertThat(api.claim(QUEUE, "seller-a", Duration.ofMinutes(1))).isPresent();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plain", "tls"})
    void theJobsUserCannotFlushConfigureListOrTouchOtherKeys(String transport) {
        RedisConfig jobUser = transport(transport).apply(new String[] {"leadflow-job", JOB_PASSWORD});
        try (HandoffQueue job = HandoffQueue.connect(jobUser, HandoffQueue.Options.defaults());
             RedisClient client = jobUser.connect()) {
            job.apply(Leads.enqueue(QUEUE, "lead-1", "h1", 1, 80, 1_000));

            assertNoPerm(client::flushAll, "flushall");
            assertNoPerm(client::flushDB, "flushdb");
            assertNoPerm(() -> client.configGet("*"), "config");
            assertNoPerm(() -> client.configSet("appendonly", "no"), "config");
            assertNoPerm(() -> client.keys("other:*"), "keys");
            assertNoPerm(() -> client.keys("leadflow:*"), "keys");
            assertNoPerm(() -> client.scan("0"), "scan");
            // DEL is granted (the erase script rebuilds a change stream) but only on leadflow:* keys
            assertNoPerm(() -> client.del("other:thing"), "keys");
            // commands it has, on keys outside leadflow:*
            assertNoPerm(() -> client.hset("session:42", "user", "x"), "keys");
            assertNoPerm(() -> client.hget("session:42", "user"), "keys");
            assertNoPerm(() -> client.zadd("other:ranking", 1, "x"), "keys");
            assertNoPerm(() -> client.sadd("queues", "x"), "keys");
            // and no script of its own making
            assertNoPerm(() -> client.eval("return redis.call('FLUSHALL')"), "eval");
            assertNoPerm(() -> client.publish("leadflow:news", "x"), "publish");

        }
        try (HandoffQueue api = HandoffQueue.connect(plain("leadflow-api", API_PASSWORD), HandoffQueue.Options.defaults())) {
            assertThat(api.depth(QUEUE)).as("the queue is untouched").isEqualTo(1);
        }
    }

    @Test
    void theApiUserCannotWriteTheQueueListNorFlush() {
        try (RedisClient client = plain("leadflow-api", API_PASSWORD).connect()) {
            assertNoPerm(client::flushAll, "flushall");
            assertNoPerm(() -> client.configGet("*"), "config");
            assertNoPerm(() -> client.sadd(QueueKeys.QUEUES, "x"), "sadd");
            assertNoPerm(() -> client.hget("other", "x"), "keys");
        }
    }

    /** The file exactly as shipped: the dev passwords of docker/compose.yaml, an anonymous user that may only PING. */
    @Test
    void theShippedFileLoadsAsIsWithTheComposePasswords() {
        try (RedisServer shipped = RedisServer.start(RedisServer.Options.defaults().withAclFile(SHIPPED_ACL));
             RedisClient anonymous = RedisConfig.of(shipped.host(), shipped.port()).connect();
             HandoffQueue job = HandoffQueue.connect(RedisConfig.of(shipped.host(), shipped.port())
                     .withCredentials("leadflow-job", "job-dev-password"), HandoffQueue.Options.defaults());
             HandoffQueue api = HandoffQueue.connect(RedisConfig.of(shipped.host(), shipped.port())
                     .withCredentials("leadflow-api", "api-dev-password"), HandoffQueue.Options.defaults())) {
            assertThat(anonymous.ping()).isEqualTo("PONG");
            assertNoPerm(() -> anonymous.zcard("leadflow:{default}:ready"), "zcard");
            assertNoPerm(anonymous::flushAll, "flushall");
            assertThat(job.apply(Leads.enqueue(QUEUE, "lead-1", "h1", 1, 80, 1))).isEqualTo(ApplyResult.APPLIED);
            assertThat(api.depth(QUEUE)).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plain", "tls"})
    void aWrongPasswordFailsClearlyWithoutShowingIt(String transport) {
        String wrong = "not-the-Password-123";
        RedisConfig config = transport(transport).apply(new String[] {"leadflow-job", wrong});

        assertThatThrownBy(config::verify)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused the credentials of user leadflow-job")
                .hasMessageContaining("WRONGPASS")
                .satisfies(e -> assertNoSecretIn(e, wrong));
        try (HandoffQueue queue = HandoffQueue.connect(config, HandoffQueue.Options.defaults())) {
            assertThatThrownBy(() -> queue.depth(QUEUE)).isInstanceOf(JedisException.class)
                    .satisfies(e -> assertNoSecretIn(e, wrong))
                    .satisfies(e -> assertThat(config.describe(e)).contains("refused the credentials"));
        }
        assertThat(config.toString()).doesNotContain(wrong).contains("leadflow-job:***@");
    }

    @Test
    void overTlsTheRightPasswordAndCaConnect() {
        tls("leadflow-job", JOB_PASSWORD).verify();
        tls("leadflow-api", API_PASSWORD).verify();
    }

    @Test
    void aClientThatDoesNotTrustTheServersCaFailsClearly() {
        RedisConfig jvmTrust = RedisConfig.of(redis.host(), redis.tlsPort()).withCredentials("leadflow-job", JOB_PASSWORD)
                .withTls(new RedisTls(null, null, null, true));
        RedisConfig otherCa = RedisConfig.of(redis.host(), redis.tlsPort()).withCredentials("leadflow-job", JOB_PASSWORD)
                .withTls(RedisTls.trusting(certs.otherCa().toString()));
        for (RedisConfig config : List.of(jvmTrust, otherCa)) {
            assertThatThrownBy(config::verify)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("TLS handshake failed")
                    .hasMessageContaining("CA file")
                    .satisfies(e -> assertNoSecretIn(e, JOB_PASSWORD));
        }
    }

    @Test
    void aPlainClientOnTheTlsPortAndATlsClientOnThePlainPortFail() {
        RedisConfig plainOnTls = RedisConfig.of(redis.host(), redis.tlsPort()).withCredentials("leadflow-job", JOB_PASSWORD)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThatThrownBy(plainOnTls::verify).isInstanceOf(IllegalStateException.class)
                .satisfies(e -> assertNoSecretIn(e, JOB_PASSWORD));
        RedisConfig tlsOnPlain = RedisConfig.of(redis.host(), redis.port()).withCredentials("leadflow-job", JOB_PASSWORD)
                .withTls(RedisTls.trusting(certs.caCert().toString()));
        assertThatThrownBy(tlsOnPlain::verify).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TLS")
                .satisfies(e -> assertNoSecretIn(e, JOB_PASSWORD));
    }

    @Test
    void aServerThatRequiresClientCertificatesAcceptsOnlyClientsWithOne() {
        try (RedisServer strict = RedisServer.start(RedisServer.Options.defaults().withPassword(ADMIN_PASSWORD)
                .withAclFile(dir.resolve("users.acl")).withTls(certs.serverTls("yes")))) {
            RedisConfig noCert = RedisConfig.of(strict.host(), strict.tlsPort())
                    .withCredentials("leadflow-job", JOB_PASSWORD).withTls(RedisTls.trusting(certs.caCert().toString()));
            assertThatThrownBy(noCert::verify).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("TLS")
                    .satisfies(e -> assertNoSecretIn(e, JOB_PASSWORD));

            RedisConfig withCert = noCert.withTls(RedisTls.trusting(certs.caCert().toString())
                    .withClientCertificate(certs.clientCert().toString(), certs.clientKey().toString()));
            withCert.verify();
            try (HandoffQueue job = HandoffQueue.connect(withCert, HandoffQueue.Options.defaults())) {
                assertThat(job.apply(Leads.enqueue(QUEUE, "lead-1", "h1", 1, 80, 1))).isEqualTo(ApplyResult.APPLIED);
            }
        }
    }

    @Test
    void unreadableTlsFilesAreNamedInTheError() {
        RedisConfig missingCa = tls("leadflow-job", JOB_PASSWORD)
                .withTls(RedisTls.trusting(dir.resolve("nope.pem").toString()));
        assertThatThrownBy(missingCa::verify).hasMessageContaining("nope.pem");
        RedisConfig certAsKey = tls("leadflow-job", JOB_PASSWORD).withTls(RedisTls.trusting(certs.caCert().toString())
                .withClientCertificate(certs.clientCert().toString(), certs.clientCert().toString()));
        assertThatThrownBy(certAsKey::verify).hasMessageContaining("PKCS#8")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("BEGIN CERTIFICATE-----\n"));
        assertThatThrownBy(() -> RedisTls.trusting("ca.pem").withClientCertificate("c.pem", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both");
    }

    /** As an operator would: the server forgets every script (like a restart without persistence). */
    private static void flushScripts() {
        try (RedisClient admin = RedisConfig.of(redis.host(), redis.port()).withCredentials(null, ADMIN_PASSWORD)
                .connect()) {
            assertThat(admin.scriptFlush()).isEqualTo("OK");
        }
    }

    private static void assertNoPerm(ThrowingCallable call, String what) {
        assertThatThrownBy(call).as(what).isInstanceOf(JedisException.class).hasMessageStartingWith("NOPERM");
    }

    private static void assertNoSecretIn(Throwable e, String secret) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
            assertThat(t.toString()).doesNotContain(secret);
        }
    }
}
