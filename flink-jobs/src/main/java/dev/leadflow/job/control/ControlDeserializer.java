package dev.leadflow.job.control;

import dev.leadflow.avro.ControlCommand;
import dev.leadflow.avro.ControlCommandType;
import dev.leadflow.avro.ErasureRequest;
import dev.leadflow.job.JobMetrics;
import dev.leadflow.job.ingest.DeadLetter;
import dev.leadflow.job.ingest.InputDeserializer;
import dev.leadflow.job.ingest.RegistryRetry;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.SchemaRegistryClient;
import dev.leadflow.schemas.SchemaRegistryException;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ModelException;
import dev.leadflow.scoring.model.ScoringModel;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the control topics into {@link Control}s: scoring model documents (UTF-8 YAML, parsed and
 * validated here so that a bad model never reaches an operator), erasure requests and operator
 * commands (Confluent-framed Avro). Whatever cannot be used becomes a {@link DeadLetter} whose
 * message says why — for a model, the validation error naming the key path — and the model in
 * force stays.
 */
public final class ControlDeserializer implements KafkaRecordDeserializationSchema<ControlRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ControlDeserializer.class);
    /** Topics this deserializer reads. */
    public static final String[] TOPICS = {Topics.SCORING_MODEL, Topics.PRIVACY, Topics.CONTROL};

    private final RegistryConfig registry;

    private transient AvroWireDeserializer<ErasureRequest> erasures;
    private transient AvroWireDeserializer<ControlCommand> commands;
    private transient Map<String, Counter> in;
    private transient Map<String, Counter> dead;
    private transient Counter registryRetries;

    public ControlDeserializer(RegistryConfig registry) {
        this.registry = registry;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        SchemaRegistryClient client = SchemaRegistryClient.create(registry);
        erasures = new AvroWireDeserializer<>(client, ErasureRequest.class);
        commands = new AvroWireDeserializer<>(client, ControlCommand.class);
        in = new HashMap<>();
        dead = new HashMap<>();
        for (String topic : TOPICS) {
            var group = context.getMetricGroup().addGroup("stream", InputDeserializer.streamName(topic));
            in.put(topic, group.counter(JobMetrics.EVENTS_IN));
            dead.put(topic, group.counter(JobMetrics.DLQ_RECORDS));
        }
        registryRetries = context.getMetricGroup().addGroup("stream", "control").counter(JobMetrics.REGISTRY_RETRIES);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ControlRecord> out) throws IOException {
        count(in, record.topic());
        try {
            out.collect(ControlRecord.of(decode(record)));
        } catch (InterruptedIOException e) {
            throw e; // cancelled while waiting for the registry
        } catch (SchemaRegistryException e) {
            if (!e.isSchemaNotFound()) {
                // Refused (credentials) or a malformed answer: not the record's fault. Fail and retry
                // from the checkpoint rather than drop an erasure request. (Outages are waited out.)
                throw new IOException("schema registry error while decoding " + InputDeserializer.position(record), e);
            }
            deadLetter(record, e, out);
        } catch (RuntimeException e) {
            deadLetter(record, e, out);
        }
    }

    private Control decode(ConsumerRecord<byte[], byte[]> record) throws InterruptedIOException {
        if (record.value() == null || record.value().length == 0) {
            throw new IllegalArgumentException("empty value (tombstone): nothing to apply");
        }
        switch (record.topic()) {
            case Topics.SCORING_MODEL: {
                String text = utf8(record.value());
                ScoringModel model = ScoringModel.fromYaml(text); // throws ModelException naming the key
                return Control.model(model.version(), text, record.timestamp());
            }
            case Topics.PRIVACY: {
                ErasureRequest r = waitingForTheRegistry(() -> erasures.deserialize(record.value()), record);
                requireText(r.getEventId(), "event_id");
                requireText(r.getLeadId(), "lead_id");
                return Control.erase(r.getEventId(), r.getLeadId(), r.getRequestedBy(), r.getOccurredAt().toEpochMilli());
            }
            case Topics.CONTROL: {
                ControlCommand c = waitingForTheRegistry(() -> commands.deserialize(record.value()), record);
                requireText(c.getEventId(), "event_id");
                if (c.getCommand() != ControlCommandType.REBUILD_QUEUE) {
                    throw new IllegalArgumentException("unknown command " + c.getCommand()
                            + " (a newer producer?); this job knows REBUILD_QUEUE");
                }
                return Control.rebuildQueue(c.getEventId(), c.getRequestedBy(), c.getOccurredAt().toEpochMilli());
            }
            default:
                throw new IllegalArgumentException("not a control topic: " + record.topic());
        }
    }

    /** Decodes, waiting out a registry outage as the input topics do ({@link RegistryRetry}). */
    private <T> T waitingForTheRegistry(Supplier<T> decode, ConsumerRecord<byte[], byte[]> record)
            throws InterruptedIOException {
        return RegistryRetry.call(decode, registryRetries, InputDeserializer.position(record));
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Exception e, Collector<ControlRecord> out) {
        count(dead, record.topic());
        if (e instanceof ModelException) {
            LOG.warn("Rejected scoring model at {}/{}@{}; the model in force stays: {}",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
        } else {
            LOG.warn("Unusable record at {}/{}@{} sent to the DLQ: {}",
                    record.topic(), record.partition(), record.offset(), e.toString());
        }
        out.collect(ControlRecord.dead(new DeadLetter(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.key(), record.value(), e)));
    }

    private static void count(Map<String, Counter> counters, String topic) {
        Counter c = counters.get(topic);
        if (c != null) {
            c.inc();
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelException("the model document is not UTF-8 text", e);
        }
    }

    private static void requireText(CharSequence value, String field) {
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException(field + " is empty");
        }
    }

    @Override
    public TypeInformation<ControlRecord> getProducedType() {
        return TypeInformation.of(ControlRecord.class);
    }
}
