package dev.leadflow.embedded.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A copy of a shipped ACL file (docker/redis/users.acl) for a test: the same users and rules, with
 * each user's password (a {@code #<sha256>} or {@code >text} token) replaced by the test's own, and
 * the {@code default} user replaced by an all-powerful one with {@code adminPassword}, which the
 * harness ({@link RedisServer.Options#password()}) logs in with.
 */
public final class RedisAclFile {

    private static final Pattern USER = Pattern.compile("^user\\s+(\\S+)\\s+(.*)$");
    private static final Pattern PASSWORD = Pattern.compile("(^|\\s)[#>]\\S+");

    private RedisAclFile() {}

    /**
     * @param passwords user name to its test password; every user of the file must have one
     * @return {@code out}
     */
    public static Path forTest(Path shipped, Map<String, String> passwords, String adminPassword, Path out) {
        try {
            List<String> lines = new ArrayList<>();
            lines.add("user default on >" + adminPassword + " ~* &* +@all");
            for (String line : Files.readAllLines(shipped)) {
                Matcher user = USER.matcher(line.strip());
                if (!user.matches() || user.group(1).equals("default")) {
                    continue; // comments, blank lines and the shipped default user
                }
                String password = passwords.get(user.group(1));
                if (password == null) {
                    throw new IllegalArgumentException("no test password for user " + user.group(1) + " of " + shipped);
                }
                String rules = PASSWORD.matcher(user.group(2)).replaceAll("");
                lines.add("user " + user.group(1) + " resetpass >" + password + " " + rules.strip());
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.write(out, lines);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the ACL file " + shipped, e);
        }
    }
}
