package dev.leadflow.schemas;

import java.util.Objects;
import org.apache.avro.Schema;

/** One version of a subject as the registry reports it: its global id and per-subject version. */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {

    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
