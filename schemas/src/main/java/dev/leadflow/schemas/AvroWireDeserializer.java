package dev.leadflow.schemas;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads Confluent wire-format values into specific records. The writer schema named by each
 * message's id is fetched from the registry once and resolved against the reader schema (Avro
 * schema resolution: fields added since get their defaults, unknown enum symbols become the enum's
 * default), and the resolving reader is kept per id.
 *
 * <p>What a caller should do with a failure:
 * <ul>
 *   <li>{@link WireFormatException}: the bytes are bad (null or empty value, wrong magic byte,
 *       short header, truncated or corrupt Avro, a writer schema that cannot be read as the
 *       reader type, or trailing bytes after the datum). Dead-letter the record.
 *   <li>{@link SchemaRegistryException} with {@code isSchemaNotFound()}: no schema has that id.
 *       Dead-letter the record.
 *   <li>any other {@link SchemaRegistryException}, notably {@code isRetriable()} ones: the registry
 *       is unreachable or misconfigured, not the record. Retry or fail the job; do not dead-letter.
 * </ul>
 *
 * <p>Trailing bytes are rejected although Confluent's deserializer ignores them: bytes left over
 * mean the id does not name the schema that wrote the datum, and a record decoded that way could
 * be silently wrong.
 *
 * <p>Not thread-safe: it reuses one decoder. Create one per Flink subtask or consumer thread;
 * construction does no I/O.
 *
 * @param <T> the generated record class to read into
 */
public final class AvroWireDeserializer<T extends SpecificRecord> {

    private final RegistryConfig config;
    private final Schema readerSchema;
    private final SpecificData data;
    private final Map<Integer, WriterSchemaReader<T>> writersBySchemaId = new HashMap<>();
    private final BoundedBinaryDecoder decoder = new BoundedBinaryDecoder();
    private SchemaRegistryClient client;
    private BinaryDecoder binaryDecoder;

    public AvroWireDeserializer(SchemaRegistryClient client, Class<T> type) {
        this(null, Objects.requireNonNull(client, "client"), SpecificData.getForClass(type).getSchema(type));
    }

    /** Reads into the generated class of {@code readerSchema}. */
    public AvroWireDeserializer(SchemaRegistryClient client, Schema readerSchema) {
        this(null, Objects.requireNonNull(client, "client"), readerSchema);
    }

    /** Builds its registry client from {@code config} on the first {@link #deserialize}. */
    public AvroWireDeserializer(RegistryConfig config, Class<T> type) {
        this(Objects.requireNonNull(config, "config"), null, SpecificData.getForClass(type).getSchema(type));
    }

    private AvroWireDeserializer(RegistryConfig config, SchemaRegistryClient client, Schema readerSchema) {
        this.config = config;
        this.client = client;
        this.readerSchema = Objects.requireNonNull(readerSchema, "readerSchema");
        // The generated class's own SpecificData carries its logical-type conversions.
        this.data = SpecificData.getForSchema(readerSchema);
    }

    /**
     * Decodes one message; a new record every time, so results may be kept.
     *
     * @throws WireFormatException if the bytes cannot be decoded
     * @throws SchemaRegistryException if the writer schema cannot be fetched
     */
    public T deserialize(byte[] message) {
        int schemaId = WireFormat.schemaId(message);
        WriterSchemaReader<T> writer = writerFor(schemaId);
        if (writer.incompatibility() != null) {
            throw new WireFormatException(describe(schemaId, message) + ": " + writer.incompatibility());
        }
        binaryDecoder = DecoderFactory.get().binaryDecoder(
                message, WireFormat.HEADER_LENGTH, message.length - WireFormat.HEADER_LENGTH, binaryDecoder);
        decoder.reset(binaryDecoder, writer.boundArrayCounts());
        T record;
        boolean consumedAll;
        try {
            record = writer.reader().read(null, decoder);
            consumedAll = decoder.isEnd();
        } catch (IOException | RuntimeException e) {
            // Avro reports corrupt input as EOFException, AvroRuntimeException subclasses or plain
            // runtime exceptions (bad union or enum index, negative sizes), depending on where it breaks.
            throw new WireFormatException(describe(schemaId, message) + ": corrupt or truncated Avro data ("
                    + e + ")", e);
        }
        if (!consumedAll) {
            throw new WireFormatException(describe(schemaId, message)
                    + ": bytes left after the datum, so schema id " + schemaId + " did not write it");
        }
        return record;
    }

    private WriterSchemaReader<T> writerFor(int schemaId) {
        WriterSchemaReader<T> writer = writersBySchemaId.get(schemaId);
        if (writer == null) {
            if (client == null) {
                client = SchemaRegistryClient.create(config);
            }
            Schema writerSchema = client.getById(schemaId);
            writer = new WriterSchemaReader<>(new SpecificDatumReader<>(writerSchema, readerSchema, data),
                    BoundedBinaryDecoder.arrayItemsTakeBytes(writerSchema), incompatibility(schemaId, writerSchema));
            writersBySchemaId.put(schemaId, writer);
        }
        return writer;
    }

    /**
     * Why data written with {@code writerSchema} cannot be resolved into the reader schema, or null
     * when it can. Checked once per id, with the rules the registry applies for BACKWARD: a subject
     * set to compatibility NONE may hold such a schema, and its records would otherwise fail deep
     * in the resolving decoder with a message about "corrupt" data.
     */
    private String incompatibility(int schemaId, Schema writerSchema) {
        SchemaCompatibility.SchemaPairCompatibility check =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (check.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        StringBuilder why = new StringBuilder("writer schema id ").append(schemaId).append(" (")
                .append(writerSchema.getFullName()).append(") cannot be read as ").append(readerSchema.getFullName());
        for (SchemaCompatibility.Incompatibility i : check.getResult().getIncompatibilities()) {
            why.append("; ").append(i.getType()).append(" at ").append(i.getLocation()).append(fieldName(i.getLocation()))
                    .append(": ").append(i.getMessage());
        }
        return why.toString();
    }

    /** " (field x)" for a location like /fields/3/type in the reader schema, else "". */
    private String fieldName(String location) {
        String[] parts = location.split("/");
        if (parts.length >= 3 && parts[1].equals("fields") && parts[2].chars().allMatch(Character::isDigit)
                && !parts[2].isEmpty()) {
            int index = Integer.parseInt(parts[2]);
            if (index < readerSchema.getFields().size()) {
                return " (field " + readerSchema.getFields().get(index).name() + ")";
            }
        }
        return "";
    }

    private String describe(int schemaId, byte[] message) {
        return "cannot decode " + message.length + "-byte message with writer schema id " + schemaId
                + " as " + readerSchema.getFullName();
    }

    /** What decoding needs per writer schema id, built on first sight of the id. */
    private record WriterSchemaReader<T>(SpecificDatumReader<T> reader, boolean boundArrayCounts,
            String incompatibility) {
    }
}
