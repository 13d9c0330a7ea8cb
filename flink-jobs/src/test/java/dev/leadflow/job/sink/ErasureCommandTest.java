package dev.leadflow.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.ErasureConfirmation;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.schemas.RegistryConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The plain parts of an ERASE: its confirmation, the confirmation producer's settings, the audit topic. */
class ErasureCommandTest {

    private static final HandoffCommand ERASE = HandoffCommand.erase("lead-1", "req-9", "ticket-3", 1_000);

    @Test
    void theConfirmationNamesTheRequestAndThePurgedQueues() {
        ErasureConfirmation c = ErasureConfirmations.confirmation(ERASE, List.of("default", "owner-s1"), 2_000);

        assertThat(c.getEventId()).isEqualTo("req-9-erased");
        assertThat(c.getRequestId()).isEqualTo("req-9");
        assertThat(c.getLeadId()).isEqualTo("lead-1");
        assertThat(c.getRequestedBy()).isEqualTo("ticket-3");
        assertThat(c.getQueuesPurged()).containsExactly("default", "owner-s1");
        assertThat(c.getOccurredAt()).isEqualTo(Instant.ofEpochMilli(2_000));
    }

    @Test
    void theProducerUsesTheJobsKafkaPropertiesButAlwaysWaitsForEveryReplica() {
        ErasureConfirmations.Target target = new ErasureConfirmations.Target("broker:9092",
                Map.of("security.protocol", "SASL_SSL", "acks", "1", "enable.idempotence", "false",
                        "request.timeout.ms", "7000"),
                RegistryConfig.of("mock://erasure-command-test"));

        Properties p = ErasureConfirmations.producerProperties(target, Duration.ofSeconds(10));

        assertThat(p).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "7000")
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    }

    @Test
    void theTargetNeverPrintsKafkaPropertyValues() {
        ErasureConfirmations.Target target = new ErasureConfirmations.Target("broker:9092",
                Map.of("sasl.jaas.config", "PlainLoginModule required password=\"s3cret\";"),
                RegistryConfig.of("mock://erasure-command-test"));

        assertThat(target.toString()).contains("sasl.jaas.config").doesNotContain("s3cret");
    }

    @Test
    void anEraseWritesNoAuditRecord() {
        assertThat(new HandoffAuditSerializer(RegistryConfig.of("mock://erasure-command-test")).serialize(ERASE, null, null))
                .isNull();
    }
}
