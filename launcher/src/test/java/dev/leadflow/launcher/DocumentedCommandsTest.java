package dev.leadflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The commands the README and docs/ give, read from their code blocks, against what the code accepts: every
 * {@code ./leadflow} verb and flag is one the command knows (its usage lists it), and every Maven command that
 * builds one module names its siblings too ({@code -pl ... -am}): run from a fresh clone, Maven would otherwise
 * look for them in a local repository that {@code mvn -B verify} never fills.
 */
class DocumentedCommandsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FLAG = Pattern.compile("--[a-z][a-z0-9-]*(?:\\.[a-z<>.-]+)?");

    /** Every command line of every code block (continuations joined, comments dropped), by where it stands. */
    static Map<String, String> commands() {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path f : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            boolean inBlock = false;
            StringBuilder current = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().startsWith("```")) {
                    inBlock = !inBlock;
                    continue;
                }
                if (!inBlock) {
                    continue;
                }
                String code = line.replaceFirst("\\s+#\\s.*$", "").strip();
                boolean continues = code.endsWith("\\");
                current.append(continues ? code.substring(0, code.length() - 1) : code).append(' ');
                if (!continues) {
                    String command = current.toString().strip();
                    if (!command.isEmpty()) {
                        out.put(ROOT.relativize(f) + ":" + (i + 1), command);
                    }
                    current.setLength(0);
                }
            }
        }
        return out;
    }

    /** The usage text of each verb: from its line in {@link Main#usage()} to the next verb's. */
    static Map<String, String> usageByVerb() {
        Map<String, String> out = new LinkedHashMap<>();
        String verb = null;
        for (String line : Main.usage().split("\n")) {
            Matcher m = Pattern.compile("^  ([a-z-]+)").matcher(line);
            if (m.find()) {
                verb = m.group(1);
            }
            if (verb != null) {
                out.merge(verb, line + "\n", String::concat);
            }
        }
        return out;
    }

    @Test
    void everyDocumentedLeadflowCommandUsesAVerbAndFlagsTheCommandKnows() {
        Map<String, String> usage = usageByVerb();
        Map<String, String> wrong = new LinkedHashMap<>();
        int checked = 0;
        for (Map.Entry<String, String> c : commands().entrySet()) {
            if (!c.getValue().startsWith("./leadflow ")) {
                continue;
            }
            checked++;
            String[] words = c.getValue().split("\\s+");
            String verb = words[1];
            String text = usage.get(verb);
            if (text == null) {
                wrong.put(c.getKey(), "no command '" + verb + "' in ./leadflow's usage");
                continue;
            }
            Set<String> unknown = new TreeSet<>();
            Matcher flags = FLAG.matcher(c.getValue());
            while (flags.find()) {
                String flag = flags.group().replaceFirst("\\..*$", ".");
                if (!text.contains(flag) && !text.contains(flags.group())) {
                    unknown.add(flags.group());
                }
            }
            if (!unknown.isEmpty()) {
                wrong.put(c.getKey(), verb + " has no option " + unknown);
            }
        }
        assertThat(checked).as("./leadflow commands found in the docs").isGreaterThan(10);
        assertThat(wrong).as("documented commands the launcher would refuse").isEmpty();
    }

    @Test
    void everyDocumentedMavenCommandOfOneModuleBuildsItsSiblingsToo() {
        Map<String, String> wrong = new LinkedHashMap<>();
        int checked = 0;
        for (Map.Entry<String, String> c : commands().entrySet()) {
            String command = c.getValue();
            if (!command.startsWith("mvn ") || !command.contains(" -pl ")) {
                continue;
            }
            checked++;
            Matcher module = Pattern.compile(" -pl ([^ ]+)").matcher(command);
            module.find();
            for (String m : module.group(1).split(",")) {
                if (!Files.isDirectory(ROOT.resolve(m))) {
                    wrong.put(c.getKey(), "no module " + m);
                }
            }
            if (!command.contains(" -am")) {
                wrong.put(c.getKey(), "-pl without -am: " + command);
            }
        }
        assertThat(checked).as("mvn -pl commands found in the docs").isGreaterThan(3);
        assertThat(wrong).isEmpty();
    }
}
