package dev.leadflow.collector.mapping;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/** Segment's human event and page names as the contract's signal names. */
public final class Names {

    private Names() {
    }

    /**
     * A track event name in snake case, as the scoring model's {@code track:<event>} keys are written:
     * "Demo Requested" → {@code demo_requested}, "demoRequested" → {@code demo_requested},
     * "Email-Link clicked!" → {@code email_link_clicked}. Empty if nothing of it is a letter or digit.
     */
    public static String trackName(String event) {
        return slug(event, '_');
    }

    /**
     * A page category in kebab case, as the model's {@code page:<category>} keys are written:
     * "Case Studies" → {@code case-studies}, "Pricing" → {@code pricing}.
     */
    public static String pageCategory(String name) {
        return slug(name, '-');
    }

    /**
     * The category of a page without {@code category} or {@code name}: the first segment of its URL's
     * path ({@code https://x.example/pricing/teams} → {@code pricing}), {@code home} for the root.
     */
    public static Optional<String> categoryFromUrl(String urlOrPath) {
        String path;
        try {
            URI uri = URI.create(urlOrPath.strip());
            path = uri.getPath();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (path == null) {
            return Optional.empty();
        }
        for (String segment : path.split("/")) {
            String category = pageCategory(segment.replaceFirst("\\.[A-Za-z0-9]+$", ""));
            if (!category.isEmpty()) {
                return Optional.of(category);
            }
        }
        return Optional.of("home");
    }

    private static String slug(String text, char separator) {
        StringBuilder out = new StringBuilder(text.length() + 4);
        boolean pendingSeparator = false;
        char previous = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                // camelCase and PascalCase words: a capital after a small letter or digit starts a word
                boolean wordStart = Character.isUpperCase(c)
                        && (Character.isLowerCase(previous) || Character.isDigit(previous));
                if ((pendingSeparator || wordStart) && out.length() > 0) {
                    out.append(separator);
                }
                pendingSeparator = false;
                out.append(Character.toLowerCase(c));
            } else {
                pendingSeparator = true;
            }
            previous = c;
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
