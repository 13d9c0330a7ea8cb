package dev.leadflow.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes specific records in the Confluent wire format, registering the writer schema under the
 * subject on first use (as Confluent's serializer does with auto-registration) and reusing that
 * id afterwards.
 *
 * <p>Not thread-safe: it reuses one buffer and encoder. Create one per Flink subtask or producer
 * thread; construction does no I/O.
 *
 * @param <T> the generated record class; {@code writerSchema} is normally its
 *     {@code getClassSchema()}
 */
public final class AvroWireSerializer<T extends SpecificRecord> {

    private final RegistryConfig config;
    private final String subject;
    private final Schema writerSchema;
    private final SpecificDatumWriter<T> writer;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private SchemaRegistryClient client;
    private BinaryEncoder encoder;
    private int schemaId = -1;

    public AvroWireSerializer(SchemaRegistryClient client, String subject, Schema writerSchema) {
        this(null, Objects.requireNonNull(client, "client"), subject, writerSchema);
    }

    /** Builds its registry client from {@code config} on the first {@link #serialize}. */
    public AvroWireSerializer(RegistryConfig config, String subject, Schema writerSchema) {
        this(Objects.requireNonNull(config, "config"), null, subject, writerSchema);
    }

    private AvroWireSerializer(RegistryConfig config, SchemaRegistryClient client, String subject, Schema writerSchema) {
        this.config = config;
        this.client = client;
        this.subject = Objects.requireNonNull(subject, "subject");
        this.writerSchema = Objects.requireNonNull(writerSchema, "writerSchema");
        // The writer schema's own SpecificData knows the generated class's logical-type conversions
        // (Instant for timestamp-millis).
        this.writer = new SpecificDatumWriter<>(writerSchema);
    }

    /**
     * The record as wire-format bytes.
     *
     * @throws SchemaRegistryException if the schema cannot be registered (the call is retried on
     *     the next record)
     */
    public byte[] serialize(T record) {
        Objects.requireNonNull(record, "record");
        int id = schemaId();
        buffer.reset();
        WireFormat.writeHeader(buffer, id);
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + writerSchema.getFullName(), e);
        }
        return buffer.toByteArray();
    }

    /** The writer schema's id under the subject, registering it on the first call. */
    public int schemaId() {
        if (schemaId < 0) {
            if (client == null) {
                client = SchemaRegistryClient.create(config);
            }
            schemaId = client.register(subject, writerSchema);
        }
        return schemaId;
    }
}
