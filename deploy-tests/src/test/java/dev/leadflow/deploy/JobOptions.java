package dev.leadflow.deploy;

import dev.leadflow.job.JobSettings;
import dev.leadflow.outcomes.HandoffOutcomesJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the scoring job accepts, read from the job's own code: the option names JobSettings looks
 * up (flag {@code --name}, environment {@code LEADFLOW_NAME}) and JobSettings.fromArgs itself, so
 * that a deployment file setting an option the job does not read, or a value it rejects, fails here.
 */
final class JobOptions {

    static final String ENV_PREFIX = "LEADFLOW_";
    static final String KAFKA_PROP_PREFIX = "LEADFLOW_KAFKA_PROP_";

    private static final Pattern OPTION = Pattern.compile("get\\.apply\\(\"([a-z0-9-]+)\"\\)");

    private JobOptions() {}

    /** Option names JobSettings.fromArgs reads, e.g. bootstrap-servers, redis-uri-file. */
    static Set<String> names() {
        Path src = Repo.ROOT.resolve("flink-jobs/src/main/java/dev/leadflow/job/JobSettings.java");
        Set<String> names = new TreeSet<>(Repo.groups(OPTION, Repo.read(src)));
        if (names.size() < 10) {
            throw new IllegalStateException("found only " + names + " in " + src + "; has the way JobSettings reads options changed?");
        }
        return names;
    }

    /** The environment variable JobSettings reads for an option. */
    static String envName(String option) {
        return ENV_PREFIX + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** LEADFLOW_* variables of env that the scoring job does not read (LEADFLOW_KAFKA_PROP_* are all read). */
    static List<String> unknownVariables(Map<String, String> env) {
        return unknownVariables(env, Set.of());
    }

    /**
     * LEADFLOW_* variables of env that the outcomes job does not read: the scoring job's options, which it
     * takes through JobSettings, and its own, read from HandoffOutcomesJob's code.
     */
    static List<String> unknownOutcomesVariables(Map<String, String> env) {
        Path src = Repo.ROOT.resolve("flink-jobs/src/main/java/dev/leadflow/outcomes/HandoffOutcomesJob.java");
        Set<String> own = new TreeSet<>(Repo.groups(Pattern.compile("env\\.get\\(\"(LEADFLOW_[A-Z_]+)\"\\)"), Repo.read(src)));
        if (!own.contains("LEADFLOW_OUTCOME_WINDOW")) {
            throw new IllegalStateException("found only " + own + " in " + src + "; has the way the job reads its options changed?");
        }
        return unknownVariables(env, own);
    }

    private static List<String> unknownVariables(Map<String, String> env, Set<String> extra) {
        Set<String> known = new TreeSet<>(extra);
        names().forEach(n -> known.add(envName(n)));
        List<String> unknown = new ArrayList<>();
        for (String k : new TreeSet<>(env.keySet())) {
            if (k.startsWith(ENV_PREFIX) && !k.startsWith(KAFKA_PROP_PREFIX) && !known.contains(k)) {
                unknown.add(k);
            }
        }
        return unknown;
    }

    /**
     * Builds JobSettings from flags and environment as the job's main() does. Variables ending in
     * _FILE point at files that exist only in the container; they are replaced by temporary files
     * with a dummy value of the right shape.
     */
    static JobSettings settings(String[] args, Map<String, String> env, Path tmp) {
        return JobSettings.fromArgs(args, containerEnvironment(env, tmp));
    }

    /** The outcomes job's settings from flags and environment, as its main() builds them. */
    static HandoffOutcomesJob.Settings outcomesSettings(String[] args, Map<String, String> env, Path tmp) {
        return HandoffOutcomesJob.Settings.fromArgs(args, containerEnvironment(env, tmp));
    }

    private static Map<String, String> containerEnvironment(Map<String, String> env, Path tmp) {
        Map<String, String> e = new HashMap<>();
        for (Map.Entry<String, String> v : env.entrySet()) {
            if (!v.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            String value = v.getValue();
            if (v.getKey().endsWith("_FILE")) {
                value = dummyFile(tmp, v.getKey()).toString();
            }
            e.put(v.getKey(), value == null ? "" : value);
        }
        return e;
    }

    private static Path dummyFile(Path tmp, String variable) {
        try {
            Path f = tmp.resolve(variable.toLowerCase(Locale.ROOT));
            String content = variable.contains("REDIS_URI") ? "redis://:not-a-secret@redis:6379" : "not-a-secret";
            Files.writeString(f, content, StandardCharsets.UTF_8);
            return f;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
