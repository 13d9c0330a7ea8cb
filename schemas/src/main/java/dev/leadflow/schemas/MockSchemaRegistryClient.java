package dev.leadflow.schemas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * In-memory registry for {@code mock://<scope>} URLs, with the registry's semantics: ids are
 * global within a scope and start at 1, versions count per subject from 1, re-registering a
 * schema returns its existing id, registration is checked for BACKWARD compatibility against the
 * subject's latest version (the registry's default), and failures carry the registry's error codes.
 *
 * <p>Every client of one scope name sees the same registry, like Confluent's MockSchemaRegistry,
 * so a serializer and a deserializer built separately from the same URL find each other's schemas.
 */
public final class MockSchemaRegistryClient implements SchemaRegistryClient {

    private static final ConcurrentMap<String, Registry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;

    private MockSchemaRegistryClient(String scope) {
        this.scope = scope;
    }

    public static MockSchemaRegistryClient forScope(String scope) {
        Objects.requireNonNull(scope, "scope");
        return new MockSchemaRegistryClient(scope);
    }

    /** Forgets the scope; its clients then see a new, empty registry. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public int register(String subject, Schema schema) {
        return registry().register(Objects.requireNonNull(subject, "subject"), Objects.requireNonNull(schema, "schema"));
    }

    @Override
    public Schema getById(int id) {
        return registry().getById(id);
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        return registry().getLatest(Objects.requireNonNull(subject, "subject"));
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return registry().isCompatible(Objects.requireNonNull(subject, "subject"), Objects.requireNonNull(schema, "schema"));
    }

    /**
     * Sets the subject's compatibility rule, as {@code PUT /config/{subject}} does on a real
     * registry: {@link Compatibility#NONE} lets tests register a schema that readers cannot resolve.
     */
    public void setCompatibility(String subject, Compatibility level) {
        registry().setCompatibility(Objects.requireNonNull(subject, "subject"), Objects.requireNonNull(level, "level"));
    }

    /** The compatibility rules the in-memory registry knows. */
    public enum Compatibility { BACKWARD, NONE }

    @Override
    public String toString() {
        return "MockSchemaRegistryClient{scope=" + scope + "}";
    }

    // Looked up on every call rather than held, so dropScope takes effect for existing clients too.
    private Registry registry() {
        return SCOPES.computeIfAbsent(scope, s -> new Registry());
    }

    private static final class Registry {

        // Keyed by the schema's JSON, which is how the registry itself decides "same schema".
        private final Map<String, Integer> idsBySchema = new HashMap<>();
        private final Map<Integer, Schema> schemasById = new HashMap<>();
        /** Ids of a subject's versions; version n is element n-1. */
        private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
        private final Map<String, Compatibility> compatibilityBySubject = new HashMap<>();

        synchronized void setCompatibility(String subject, Compatibility level) {
            compatibilityBySubject.put(subject, level);
        }

        synchronized int register(String subject, Schema schema) {
            String json = schema.toString();
            Integer existingId = idsBySchema.get(json);
            List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
            if (existingId != null && versions.contains(existingId)) {
                return existingId;
            }
            if (checked(subject) && !versions.isEmpty() && !backwardCompatible(schema, latestOf(versions))) {
                throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE,
                        "Schema being registered is incompatible with an earlier schema for subject \""
                                + subject + "\"");
            }
            int id = existingId != null ? existingId : idsBySchema.size() + 1;
            idsBySchema.put(json, id);
            schemasById.put(id, schema);
            versions.add(id);
            return id;
        }

        synchronized Schema getById(int id) {
            Schema schema = schemasById.get(id);
            if (schema == null) {
                throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                        "Schema " + id + " not found");
            }
            return schema;
        }

        synchronized RegisteredSchema getLatest(String subject) {
            List<Integer> versions = versionsBySubject.get(subject);
            if (versions == null || versions.isEmpty()) {
                throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND,
                        "Subject '" + subject + "' not found.");
            }
            int id = versions.get(versions.size() - 1);
            return new RegisteredSchema(subject, id, versions.size(), schemasById.get(id));
        }

        synchronized boolean isCompatible(String subject, Schema schema) {
            List<Integer> versions = versionsBySubject.get(subject);
            return versions == null || versions.isEmpty() || !checked(subject) || backwardCompatible(schema, latestOf(versions));
        }

        private boolean checked(String subject) {
            return compatibilityBySubject.getOrDefault(subject, Compatibility.BACKWARD) != Compatibility.NONE;
        }

        private Schema latestOf(List<Integer> versions) {
            return schemasById.get(versions.get(versions.size() - 1));
        }

        /** BACKWARD: consumers on the new schema can read what producers wrote with the old one. */
        private static boolean backwardCompatible(Schema newSchema, Schema previous) {
            return SchemaCompatibility.checkReaderWriterCompatibility(newSchema, previous).getType()
                    == SchemaCompatibilityType.COMPATIBLE;
        }
    }
}
