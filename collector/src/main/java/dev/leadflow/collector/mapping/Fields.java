package dev.leadflow.collector.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadflow.collector.CollectorException;
import java.util.Optional;

/** Reads fields of a JSON event, naming the field's full path in every refusal. */
final class Fields {

    /** Ids and names longer than this are refused: nothing real is, and they end up in keys and state. */
    static final int MAX_ID_LENGTH = 255;

    private Fields() {
    }

    /** A string (or a number, as Segment allows for ids) with surrounding blanks removed; empty when absent, null or blank. */
    static Optional<String> id(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        String text;
        if (value.isTextual()) {
            text = value.asText().strip();
        } else if (value.isIntegralNumber()) {
            text = value.asText();
        } else {
            throw CollectorException.invalid(path + field, "must be a string");
        }
        if (text.length() > MAX_ID_LENGTH) {
            throw CollectorException.invalid(path + field, "must be at most " + MAX_ID_LENGTH + " characters");
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** A string field; empty when absent, null or blank. */
    static Optional<String> text(JsonNode node, String field, String path, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw CollectorException.invalid(path + field, "must be a string");
        }
        String text = value.asText().strip();
        if (text.length() > maxLength) {
            throw CollectorException.invalid(path + field, "must be at most " + maxLength + " characters");
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** A scalar as text (strings, numbers, booleans); empty for absent, null, blank, objects and arrays. */
    static Optional<String> scalar(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isValueNode() || value.isNull()) {
            return Optional.empty();
        }
        String text = value.asText().strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** An object field, or a missing node; anything else is refused. */
    static JsonNode object(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        if (!value.isObject()) {
            throw CollectorException.invalid(path + field, "must be an object");
        }
        return value;
    }
}
