package dev.leadflow.launcher.registry;

import dev.leadflow.schemas.SchemaRegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * What the demo's registry knows, with the Confluent Schema Registry's rules: global schema ids
 * from 1 (the same schema keeps its id in every subject), versions per subject from 1, soft and
 * permanent deletion, a global and per-subject compatibility level checked on registration.
 * Every failure is a {@link SchemaRegistryException} with the registry's HTTP status and error code.
 *
 * <p>Each change is handed to a {@link Journal} under the store's lock, so a journal replayed in
 * order rebuilds the same ids and versions.
 */
final class SubjectStore {

    static final int SUBJECT_NOT_FOUND = 40401;
    static final int VERSION_NOT_FOUND = 40402;
    static final int SCHEMA_NOT_FOUND = 40403;
    static final int SUBJECT_SOFT_DELETED = 40404;
    static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    static final int VERSION_SOFT_DELETED = 40406;
    static final int VERSION_NOT_SOFT_DELETED = 40407;
    static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    static final int SUBJECT_MODE_NOT_CONFIGURED = 40409;
    static final int INVALID_SCHEMA = 42201;
    static final int INVALID_VERSION = 42202;
    static final int INVALID_COMPATIBILITY = 42203;
    static final int INVALID_MODE = 42204;
    static final int INCOMPATIBLE = 409;

    /** The registry's default when nobody set a global level. */
    static final Compatibility DEFAULT_LEVEL = Compatibility.BACKWARD;

    /** Receives every change, in order, while the store holds its lock. */
    interface Journal {
        void append(Map<String, Object> entry) throws IOException;
    }

    /** One version of a subject. */
    record Version(String subject, int version, int id, Schema schema, boolean deleted) {
    }

    // Keyed by the parsed schema's JSON, which is how "the same schema" is decided.
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    /** Subjects in first-registration order; their versions oldest first, soft-deleted ones included. */
    private final Map<String, List<Version>> subjects = new LinkedHashMap<>();
    private final Map<String, Compatibility> subjectLevels = new HashMap<>();
    private Compatibility globalLevel = DEFAULT_LEVEL;
    private Journal journal = entry -> { };

    synchronized void journalTo(Journal journal) {
        this.journal = journal;
    }

    // ---- schemas and versions ------------------------------------------------------------------

    /**
     * Registers {@code schema} under {@code subject}, or returns its id if a live version of the
     * subject already has it. With {@code checked}, the subject's compatibility level applies.
     */
    synchronized int register(String subject, Schema schema, boolean checked) {
        String json = schema.toString();
        List<Version> versions = subjects.getOrDefault(subject, List.of());
        for (Version v : versions) {
            if (!v.deleted() && v.schema().toString().equals(json)) {
                return v.id();
            }
        }
        if (checked && !levelOf(subject).allows(schema, liveSchemas(subject))) {
            throw new SchemaRegistryException(409, INCOMPATIBLE,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject + "\"");
        }
        Integer known = idsBySchema.get(json);
        int id = known != null ? known : idsBySchema.size() + 1;
        int number = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("subject", subject);
        entry.put("schema", json);
        record(entry);
        idsBySchema.put(json, id);
        schemasById.put(id, schema);
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(new Version(subject, number, id, schema, false));
        return id;
    }

    /** The subject's version holding this schema; 40401 without such subject, 40403 without such version. */
    synchronized Version lookUp(String subject, Schema schema, boolean includeDeleted) {
        List<Version> versions = versionsOf(subject, includeDeleted);
        String json = schema.toString();
        for (int i = versions.size() - 1; i >= 0; i--) {
            if (versions.get(i).schema().toString().equals(json)) {
                return versions.get(i);
            }
        }
        throw new SchemaRegistryException(404, SCHEMA_NOT_FOUND, "Schema not found");
    }

    synchronized List<String> subjects(boolean includeDeleted, String prefix) {
        List<String> names = new ArrayList<>();
        subjects.forEach((name, versions) -> {
            if (name.startsWith(prefix) && versions.stream().anyMatch(v -> includeDeleted || !v.deleted())) {
                names.add(name);
            }
        });
        return names;
    }

    synchronized List<Integer> versionNumbers(String subject, boolean includeDeleted) {
        return versionsOf(subject, includeDeleted).stream().map(Version::version).toList();
    }

    /** One version by number, or the newest for {@code latest} / {@code -1}. */
    synchronized Version version(String subject, String which, boolean includeDeleted) {
        int wanted = parseVersion(which);
        List<Version> versions = versionsOf(subject, includeDeleted);
        if (wanted == -1) {
            return versions.get(versions.size() - 1);
        }
        for (Version v : versions) {
            if (v.version() == wanted) {
                return v;
            }
        }
        throw versionNotFound(which);
    }

    /** A schema by id, as long as some version, live or soft-deleted, still refers to it. */
    synchronized Schema schema(int id) {
        if (usesOf(id, true).isEmpty()) {
            throw new SchemaRegistryException(404, SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return schemasById.get(id);
    }

    /** The subjects and versions that use a schema id; 40403 if none. */
    synchronized List<Version> uses(int id, boolean includeDeleted) {
        schema(id);
        return usesOf(id, includeDeleted);
    }

    private List<Version> usesOf(int id, boolean includeDeleted) {
        List<Version> uses = new ArrayList<>();
        for (List<Version> versions : subjects.values()) {
            for (Version v : versions) {
                if (v.id() == id && (includeDeleted || !v.deleted())) {
                    uses.add(v);
                }
            }
        }
        return uses;
    }

    /**
     * Whether {@code schema} could be registered after the given version ({@code null}: after the
     * versions the subject's level compares with). A subject without live versions accepts anything.
     */
    synchronized boolean isCompatible(String subject, Schema schema, String which) {
        Compatibility level = levelOf(subject);
        if (which == null) {
            return level.allows(schema, liveSchemas(subject));
        }
        if (parseVersion(which) == -1 && liveSchemas(subject).isEmpty()) {
            return true;
        }
        return level.allows(schema, List.of(version(subject, which, false).schema()));
    }

    // ---- deletion ------------------------------------------------------------------------------

    /**
     * Soft-deletes every live version (and the subject's compatibility level), or with
     * {@code permanent} forgets a subject that was soft-deleted first. Returns the version numbers.
     */
    synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        List<Version> versions = subjects.getOrDefault(subject, List.of());
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        boolean anyLive = versions.stream().anyMatch(v -> !v.deleted());
        if (!permanent && !anyLive) {
            throw new SchemaRegistryException(404, SUBJECT_SOFT_DELETED, "Subject '" + subject
                    + "' was soft deleted. Set permanent=true to delete permanently");
        }
        if (permanent && anyLive) {
            throw new SchemaRegistryException(404, SUBJECT_NOT_SOFT_DELETED, "Subject '" + subject
                    + "' was not deleted first before being permanently deleted");
        }
        record(deletion(subject, null, permanent));
        List<Integer> numbers = new ArrayList<>();
        if (permanent) {
            versions.forEach(v -> numbers.add(v.version()));
            subjects.remove(subject);
        } else {
            versions.replaceAll(v -> {
                if (!v.deleted()) {
                    numbers.add(v.version());
                }
                return new Version(v.subject(), v.version(), v.id(), v.schema(), true);
            });
            subjectLevels.remove(subject);
        }
        return numbers;
    }

    /** Soft-deletes one live version, or with {@code permanent} forgets one soft-deleted version. */
    synchronized int deleteVersion(String subject, String which, boolean permanent) {
        int wanted = parseVersion(which);
        List<Version> versions = subjects.getOrDefault(subject, List.of());
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        Version target = null;
        for (Version v : versions) {
            if (wanted == -1 ? permanent || !v.deleted() : v.version() == wanted) {
                target = v;
            }
        }
        if (target == null) {
            throw versionNotFound(which);
        }
        if (!permanent && target.deleted()) {
            throw new SchemaRegistryException(404, VERSION_SOFT_DELETED, "Subject '" + subject + "' Version "
                    + target.version() + " was soft deleted. Set permanent=true to delete permanently");
        }
        if (permanent && !target.deleted()) {
            throw new SchemaRegistryException(404, VERSION_NOT_SOFT_DELETED, "Subject '" + subject + "' Version "
                    + target.version() + " was not deleted first before being permanently deleted");
        }
        record(deletion(subject, target.version(), permanent));
        int index = versions.indexOf(target);
        if (permanent) {
            versions.remove(index);
            if (versions.isEmpty()) {
                subjects.remove(subject);
            }
        } else {
            versions.set(index, new Version(subject, target.version(), target.id(), target.schema(), true));
        }
        return target.version();
    }

    // ---- compatibility levels ------------------------------------------------------------------

    synchronized Compatibility globalLevel() {
        return globalLevel;
    }

    /** The subject's own level, or null when it follows the global one. */
    synchronized Compatibility subjectLevel(String subject) {
        return subjectLevels.get(subject);
    }

    synchronized Compatibility levelOf(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** Sets the global level ({@code subject} null) or a subject's; null level removes it. Returns the previous. */
    synchronized Compatibility setLevel(String subject, Compatibility level) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("op", "config");
        if (subject != null) {
            entry.put("subject", subject);
        }
        if (level != null) {
            entry.put("compatibility", level.name());
        }
        record(entry);
        if (subject == null) {
            Compatibility previous = globalLevel;
            globalLevel = level == null ? DEFAULT_LEVEL : level;
            return previous;
        }
        return level == null ? subjectLevels.remove(subject) : subjectLevels.put(subject, level);
    }

    /** Removes the subject's own level and returns it; 40401 for an unknown subject, 40408 without a level. */
    synchronized Compatibility deleteSubjectLevel(String subject) {
        if (!subjectLevels.containsKey(subject)) {
            if (subjects.containsKey(subject)) {
                throw new SchemaRegistryException(404, SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                        "Subject '" + subject + "' does not have subject-level compatibility configured");
            }
            throw subjectNotFound(subject);
        }
        return setLevel(subject, null);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Versions of a subject, oldest first; 40401 when none is left to show. */
    private List<Version> versionsOf(String subject, boolean includeDeleted) {
        List<Version> shown = subjects.getOrDefault(subject, List.of()).stream()
                .filter(v -> includeDeleted || !v.deleted())
                .toList();
        if (shown.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return shown;
    }

    private List<Schema> liveSchemas(String subject) {
        return subjects.getOrDefault(subject, List.of()).stream().filter(v -> !v.deleted()).map(Version::schema).toList();
    }

    private void record(Map<String, Object> entry) {
        try {
            journal.append(entry);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the registry's change " + entry.get("op"), e);
        }
    }

    private static Map<String, Object> deletion(String subject, Integer version, boolean permanent) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("op", "delete");
        entry.put("subject", subject);
        if (version != null) {
            entry.put("version", version);
        }
        entry.put("permanent", permanent);
        return entry;
    }

    /** -1 for {@code latest}; otherwise a version number from 1. */
    static int parseVersion(String which) {
        if (which.equals("latest")) {
            return -1;
        }
        try {
            int n = Integer.parseInt(which);
            if (n == -1 || n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new SchemaRegistryException(422, INVALID_VERSION, "The specified version '" + which
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    private static SchemaRegistryException versionNotFound(String which) {
        return new SchemaRegistryException(404, VERSION_NOT_FOUND, "Version " + which + " not found.");
    }
}
