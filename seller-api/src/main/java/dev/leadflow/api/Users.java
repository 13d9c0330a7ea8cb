package dev.leadflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The users file: who may sign in, with which role and queues. Only the SHA-256 of each token is
 * stored, so the file reveals no token; sign-in hashes the presented token and compares it with every
 * user's hash in constant time.
 *
 * <pre>
 * users:
 *   - id: s42
 *     name: Sam Seller
 *     role: seller            # seller | ops
 *     queues: [enterprise-na, "enterprise-*"]
 *     tokenSha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * </pre>
 *
 * Command line: {@code java -cp <jar> dev.leadflow.api.Users hash <token>} prints a token's hash;
 * {@code ... Users new-token} prints a fresh random token and its hash.
 */
public final class Users {

    private static final Set<String> USER_KEYS = Set.of("id", "name", "role", "queues", "tokenSha256");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern QUEUE_ENTRY = Pattern.compile("[^\\s{}]+");

    private final List<Entry> entries;

    private record Entry(User user, byte[] tokenHash) {
    }

    private Users(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads and validates a users file; the error names every bad entry by its path. */
    public static Users load(Path file) {
        ObjectNode root = Yaml.readMapping(file);
        List<String> errors = new ArrayList<>();
        Yaml.rejectUnknownKeys(root, Set.of("users"), "", errors);
        JsonNode list = root.path("users");
        if (!list.isArray() || list.isEmpty()) {
            errors.add("users: must be a non-empty list");
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            parseEntry(list.get(i), "users[" + i + "].", errors).ifPresent(entry -> {
                if (!ids.add(entry.user().id())) {
                    errors.add("users: id \"" + entry.user().id() + "\" appears twice");
                }
                if (!hashes.add(HexFormat.of().formatHex(entry.tokenHash()))) {
                    errors.add("users: user \"" + entry.user().id() + "\" has the same tokenSha256 as another user");
                }
                entries.add(entry);
            });
        }
        Yaml.failIfAny("users file " + file, errors);
        return new Users(entries);
    }

    /** The user whose token this is, if any. Compares with every user's hash, whoever matches. */
    public Optional<User> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        return authenticateHash(sha256(token));
    }

    /** The user whose token has this SHA-256, if any (an open event stream checks its token again this way). */
    Optional<User> authenticateHash(byte[] presented) {
        User found = null;
        for (Entry entry : entries) {
            // no early exit: the time taken does not depend on which user matched
            if (MessageDigest.isEqual(presented, entry.tokenHash())) {
                found = entry.user();
            }
        }
        return Optional.ofNullable(found);
    }

    public List<User> all() {
        return entries.stream().map(Entry::user).toList();
    }

    /** The lowercase hex SHA-256 of the token's UTF-8 bytes, as the users file stores it. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /** A new random token: 32 bytes, base64url, prefixed so it is recognisable in a secret store. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "lft_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("hash")) {
            System.out.println(hash(args[1]));
        } else if (args.length == 1 && args[0].equals("new-token")) {
            String token = newToken();
            System.out.println("token:       " + token);
            System.out.println("tokenSha256: " + hash(token));
        } else {
            System.err.println("usage: Users hash <token> | Users new-token");
            System.exit(2);
        }
    }

    private static Optional<Entry> parseEntry(JsonNode node, String path, List<String> errors) {
        if (!node.isObject()) {
            errors.add(path.substring(0, path.length() - 1) + ": must be a mapping with id, name, role, queues, tokenSha256");
            return Optional.empty();
        }
        int before = errors.size();
        Yaml.rejectUnknownKeys(node, USER_KEYS, path, errors);
        String id = text(node, "id", path, errors);
        if (id != null && !ID.matcher(id).matches()) {
            errors.add(path + "id: must be 1-64 letters, digits, '.', '_' or '-', was \"" + id + "\"");
        }
        String name = text(node, "name", path, errors);
        Role role = null;
        String roleText = text(node, "role", path, errors);
        if (roleText != null) {
            try {
                role = Role.parse(roleText);
            } catch (IllegalArgumentException e) {
                errors.add(path + "role: " + e.getMessage());
            }
        }
        List<String> queues = queues(node.get("queues"), path + "queues", errors);
        String hash = text(node, "tokenSha256", path, errors);
        if (hash != null && !SHA256_HEX.matcher(hash).matches()) {
            // the value is not echoed: someone may have pasted the token itself here
            errors.add(path + "tokenSha256: must be 64 lowercase hex digits (the SHA-256 of the token), not the token");
        }
        if (errors.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Entry(new User(id, name, role, queues), HexFormat.of().parseHex(hash)));
    }

    private static String text(JsonNode node, String key, String path, List<String> errors) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            errors.add(path + key + ": required");
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            errors.add(path + key + ": must be a non-empty string");
            return null;
        }
        return value.asText().strip();
    }

    /** Absent means none (an ops user needs none; a seller still has their own queue). */
    private static List<String> queues(JsonNode node, String path, List<String> errors) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            errors.add(path + ": must be a list of queue names or patterns");
            return List.of();
        }
        List<String> queues = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            if (!entry.isTextual() || !QUEUE_ENTRY.matcher(entry.asText()).matches()) {
                errors.add(path + "[" + i + "]: must be a queue name or pattern without spaces or braces, was " + entry);
            } else {
                queues.add(entry.asText());
            }
        }
        return queues;
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
