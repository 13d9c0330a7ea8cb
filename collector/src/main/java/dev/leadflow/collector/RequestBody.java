package dev.leadflow.collector;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * A request body read with a size limit and parsed as JSON, whatever its content type: analytics.js
 * sends {@code text/plain} so that browsers send it without a CORS preflight. {@code Content-Encoding:
 * gzip} is accepted; the limit applies to the decompressed body.
 */
final class RequestBody {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * How much of an oversized body is read and thrown away before the answer: a client still sending it
     * would otherwise see a reset instead of the answer. Beyond this the connection is closed anyway.
     */
    private static final long DISCARD_LIMIT = 4L << 20;

    private RequestBody() {
    }

    static JsonNode read(long declaredLength, String contentEncoding, InputStream raw, int limit, String limitName) {
        boolean gzip = contentEncoding != null && contentEncoding.strip().equalsIgnoreCase("gzip");
        if (contentEncoding != null && !gzip && !contentEncoding.isBlank()
                && !contentEncoding.strip().equalsIgnoreCase("identity")) {
            throw new CollectorException(415, "unsupported_encoding", null,
                    "Content-Encoding must be gzip or identity", 0);
        }
        if (!gzip && declaredLength > limit) {
            throw tooLarge(raw, limit, limitName);
        }
        byte[] bytes;
        try {
            InputStream in = gzip ? new GZIPInputStream(raw) : raw;
            bytes = in.readNBytes(limit + 1);
        } catch (IOException e) {
            throw CollectorException.malformed("could not read the request body" + (gzip ? " (not gzip?)" : ""));
        }
        if (bytes.length > limit) {
            throw tooLarge(raw, limit, limitName);
        }
        if (bytes.length == 0) {
            throw CollectorException.malformed("request body must be JSON, was empty");
        }
        try {
            JsonNode parsed = MAPPER.readTree(bytes);
            if (parsed == null || parsed.isMissingNode()) {
                throw CollectorException.malformed("request body must be JSON, was empty");
            }
            return parsed;
        } catch (JsonProcessingException e) {
            throw CollectorException.malformed("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw CollectorException.malformed("could not read the request body");
        }
    }

    private static CollectorException tooLarge(InputStream in, int limit, String limitName) {
        try {
            byte[] sink = new byte[8192];
            long total = 0;
            for (int n; total <= DISCARD_LIMIT && (n = in.read(sink)) >= 0; ) {
                total += n;
            }
        } catch (IOException e) {
            // the client went away: nobody reads the answer
        }
        return CollectorException.tooLarge("request_too_large", "body",
                "request body is larger than " + limit / 1024 + " KB, the limit " + limitName);
    }
}
