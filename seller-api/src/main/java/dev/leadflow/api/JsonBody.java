package dev.leadflow.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A request's JSON object body, read with a size limit, and its fields checked one by one so that every
 * refusal names the field: 400 for what is not a JSON object, 422 for a missing or wrong field.
 */
final class JsonBody {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * How much of an oversized body is read and thrown away before the 413 is sent. The client is usually
     * still sending it: answering early makes the server close the connection with the rest unread, which
     * resets it, and the client sees a broken pipe or a reset instead of the 413, depending on timing.
     * Beyond this the connection is closed anyway (with {@code Connection: close}) rather than read on.
     */
    private static final long DISCARD_LIMIT = 1L << 20;

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    /**
     * Keeps at most {@code limit} bytes; the declared length is checked first so that an oversized body is
     * refused without being kept.
     */
    static JsonBody read(long declaredLength, InputStream in, int limit) {
        if (declaredLength > limit) {
            throw tooLarge(in, declaredLength <= DISCARD_LIMIT, limit);
        }
        byte[] bytes;
        try {
            bytes = in.readNBytes(limit + 1);
        } catch (IOException e) {
            throw ApiException.malformed("could not read the request body");
        }
        if (bytes.length > limit) {
            throw tooLarge(in, true, limit);
        }
        if (bytes.length == 0) {
            throw ApiException.malformed("request body must be a JSON object, was empty");
        }
        JsonNode parsed;
        try {
            parsed = STRICT.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.malformed("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.malformed("could not read the request body");
        }
        if (parsed == null || !parsed.isObject()) {
            throw ApiException.malformed("request body must be a JSON object");
        }
        return new JsonBody((ObjectNode) parsed);
    }

    /** Reads the rest of the body (up to {@link #DISCARD_LIMIT} in all) so that the 413 can be read. */
    private static ApiException tooLarge(InputStream in, boolean discard, int limit) {
        if (discard) {
            try {
                byte[] sink = new byte[8192];
                long total = 0;
                for (int n; total <= DISCARD_LIMIT && (n = in.read(sink)) >= 0; ) {
                    total += n;
                }
            } catch (IOException e) {
                // the client went away: nobody reads the answer
            }
        }
        return ApiException.tooLarge(limit);
    }

    String requiredText(String field, int maxLength) {
        return optionalText(field, maxLength).orElseThrow(() -> ApiException.invalidField(field, "required"));
    }

    Optional<String> optionalText(String field, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiException.invalidField(field, "must be a string");
        }
        String text = value.asText().strip();
        if (text.length() > maxLength) {
            throw ApiException.invalidField(field, "must be at most " + maxLength + " characters");
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    boolean requiredBoolean(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.invalidField(field, "required");
        }
        if (!value.isBoolean()) {
            throw ApiException.invalidField(field, "must be true or false");
        }
        return value.asBoolean();
    }
}
