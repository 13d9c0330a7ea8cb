package dev.leadflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Reads the service's YAML files into trees and checks their keys, naming the path of every mistake. */
final class Yaml {

    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

    private Yaml() {
    }

    /** The file's top-level mapping; an empty file is an empty mapping. */
    static ObjectNode readMapping(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            // the parser's message quotes the offending line, which may hold a secret: keep only where
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
                    ? " (line " + p.getLocation().getLineNr() + ")" : "";
            throw new IllegalArgumentException(file + ": not readable YAML" + where);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return MAPPER.createObjectNode();
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(file + ": must be a mapping of keys to values");
        }
        return (ObjectNode) root;
    }

    /** Adds an error for every key of {@code node} that is not in {@code known}. */
    static void rejectUnknownKeys(JsonNode node, Set<String> known, String path, List<String> errors) {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                unknown.add(name);
            }
        }
        unknown.forEach(name -> errors.add(path + name + ": unknown key (known: " + String.join(", ", sorted(known)) + ")"));
    }

    /** Throws one exception listing every error, or does nothing when there is none. */
    static void failIfAny(String what, List<String> errors) {
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid " + what + ":\n  " + String.join("\n  ", errors));
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}
