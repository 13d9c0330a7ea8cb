package dev.leadflow.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;

/**
 * Every configuration key Flink 2.2 knows, collected from the ConfigOption constants of
 * flink-core's org.apache.flink.configuration package (the options a config.yaml, FLINK_PROPERTIES
 * or a FlinkDeployment's flinkConfiguration can set), so that a misspelt or removed key fails a test
 * instead of being ignored by Flink at run time.
 */
final class FlinkOptions {

    /** Keys whose names are not fixed constants: reporter settings carry the reporter's name. */
    private static final Pattern DYNAMIC = Pattern.compile("metrics\\.reporter\\.[a-z0-9_-]+\\.[a-zA-Z.-]+");

    private static Set<String> keys;

    private FlinkOptions() {}

    static synchronized Set<String> keys() {
        if (keys == null) {
            keys = Collections.unmodifiableSet(scan());
        }
        return keys;
    }

    static boolean known(String key) {
        return keys().contains(key) || DYNAMIC.matcher(key).matches();
    }

    /** Whether the key is only a deprecated fallback of an option that has a newer name. */
    static boolean deprecated(String key) {
        keys();
        return deprecatedKeys.contains(key);
    }

    private static final Set<String> deprecatedKeys = new TreeSet<>();

    private static Set<String> scan() {
        Set<String> found = new TreeSet<>();
        try {
            Path jar = Path.of(ConfigOption.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (JarFile jf = new JarFile(jar.toFile())) {
                Enumeration<JarEntry> entries = jf.entries();
                while (entries.hasMoreElements()) {
                    String name = entries.nextElement().getName();
                    if (name.startsWith("org/apache/flink/configuration/") && name.endsWith("Options.class") && !name.contains("$")) {
                        collect(Class.forName(name.replace('/', '.').replace(".class", ""), false,
                                FlinkOptions.class.getClassLoader()), found);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        if (!found.contains("taskmanager.numberOfTaskSlots")) {
            throw new IllegalStateException("scan of Flink's options found no taskmanager.numberOfTaskSlots: " + found.size());
        }
        return found;
    }

    private static void collect(Class<?> c, Set<String> found) {
        for (Field f : c.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                try {
                    ConfigOption<?> o = (ConfigOption<?>) f.get(null);
                    found.add(o.key());
                    for (FallbackKey k : o.fallbackKeys()) {
                        found.add(k.getKey());
                        if (k.isDeprecated()) {
                            deprecatedKeys.add(k.getKey());
                        }
                    }
                } catch (IllegalAccessException | RuntimeException | LinkageError e) {
                    // an option class that cannot initialise here holds nothing we set
                }
            }
        }
    }
}
