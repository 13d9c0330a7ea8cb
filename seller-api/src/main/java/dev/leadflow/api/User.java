package dev.leadflow.api;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A person who signs in with a token. Their queue entries are names or glob patterns ({@code *} any run
 * of characters, {@code ?} one); a seller's own queue {@code owner-<id>} is always theirs.
 */
public final class User {

    private final String id;
    private final String name;
    private final Role role;
    private final List<String> queues;
    private final List<Pattern> patterns;

    public User(String id, String name, Role role, List<String> queues) {
        this.id = id;
        this.name = name;
        this.role = role;
        this.queues = List.copyOf(queues);
        this.patterns = this.queues.stream().map(User::compile).toList();
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    /** The queue entries as written in the users file. */
    public List<String> queues() {
        return queues;
    }

    /** Claim, accept, reject and release: sellers only, on their own queues. */
    public boolean mayWork(String queue) {
        return role == Role.SELLER
                && (queue.equals(ownQueue()) || patterns.stream().anyMatch(p -> p.matcher(queue).matches()));
    }

    /** List, peek and follow: ops see every queue, sellers the ones they work. */
    public boolean maySee(String queue) {
        return role == Role.OPS || mayWork(queue);
    }

    /** The queue the job routes this seller's own leads to. */
    public String ownQueue() {
        return "owner-" + id;
    }

    /**
     * The queues this user works by exact name (their own and the entries without wildcards): they exist
     * for the user even before the job has put a lead there.
     */
    public List<String> namedQueues() {
        if (role != Role.SELLER) {
            return List.of();
        }
        return Stream.concat(Stream.of(ownQueue()), queues.stream().filter(q -> !isPattern(q))).distinct().toList();
    }

    @Override
    public String toString() {
        return "User[" + id + ", " + role.id() + "]";
    }

    static boolean isPattern(String entry) {
        return entry.indexOf('*') >= 0 || entry.indexOf('?') >= 0;
    }

    private static Pattern compile(String entry) {
        StringBuilder regex = new StringBuilder();
        int literalStart = 0;
        for (int i = 0; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (c == '*' || c == '?') {
                regex.append(Pattern.quote(entry.substring(literalStart, i))).append(c == '*' ? ".*" : ".");
                literalStart = i + 1;
            }
        }
        return Pattern.compile(regex.append(Pattern.quote(entry.substring(literalStart))).toString());
    }
}
