package dev.leadflow.api;

import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The seller page: a few static files from the classpath, no build step. The content security policy
 * allows only this origin's own script, styles and connections, so an injected string can never run.
 */
final class PageRoutes {

    private static final String BASE = "/dev/leadflow/api/web/";
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private PageRoutes() {
    }

    static void register(RoutesConfig routes) {
        serve(routes, "/", "index.html", "text/html; charset=utf-8");
        serve(routes, "/app.js", "app.js", "text/javascript; charset=utf-8");
        serve(routes, "/style.css", "style.css", "text/css; charset=utf-8");
        serve(routes, "/favicon.svg", "favicon.svg", "image/svg+xml");
    }

    private static void serve(RoutesConfig routes, String path, String file, String contentType) {
        byte[] content = read(file);
        routes.get(path, ctx -> ctx.contentType(contentType)
                .header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache")
                .result(content));
    }

    private static byte[] read(String file) {
        try (InputStream in = PageRoutes.class.getResourceAsStream(BASE + file)) {
            if (in == null) {
                throw new IllegalStateException("page file missing from the jar: " + BASE + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
