package dev.leadflow.schemas;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that LeadFlow needs, for Avro schemas.
 * Implementations are thread-safe. Every method throws {@link SchemaRegistryException} when the
 * registry refuses or cannot be reached.
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject} (or finds it, if the subject already has it)
     * and returns its global id. Fails with {@link SchemaRegistryException#isIncompatible()} when
     * the subject's compatibility rule rejects it.
     */
    int register(String subject, Schema schema);

    /** The schema with this global id; {@link SchemaRegistryException#isSchemaNotFound()} if none. */
    Schema getById(int id);

    /** The subject's newest version; {@link SchemaRegistryException#isSubjectNotFound()} if none. */
    RegisteredSchema getLatest(String subject);

    /**
     * Whether registering {@code schema} under {@code subject} would pass the subject's
     * compatibility rule. A subject without versions accepts anything, so this is true then.
     */
    boolean isCompatible(String subject, Schema schema);

    /**
     * The client for a configuration: a REST client for {@code http(s)} URLs, and for
     * {@code mock://<scope>} the in-memory registry shared by every client of that scope name.
     */
    static SchemaRegistryClient create(RegistryConfig config) {
        return config.isMock()
                ? MockSchemaRegistryClient.forScope(config.mockScope())
                : new RestSchemaRegistryClient(config);
    }

    /** Forgets everything registered in a {@code mock://} scope, so tests can start clean. */
    static void dropMockScope(String scope) {
        MockSchemaRegistryClient.dropScope(scope);
    }
}
