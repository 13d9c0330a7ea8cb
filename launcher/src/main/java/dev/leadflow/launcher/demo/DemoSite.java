package dev.leadflow.launcher.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's product website: a few static pages (home, product, pricing, docs, careers, a demo-request
 * form) and {@code leadflow.js}, our own small Segment-style tracker, which sends page, identify and track
 * calls to the collector. {@code /site-config.js} tells the script where the collector is and which write
 * key to use; the content security policy lets the pages talk to this origin and the collector only.
 */
final class DemoSite implements AutoCloseable {

    private static final String BASE = "/dev/leadflow/launcher/demo/site/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The pages: each file under {@code pages/} holds a page's main content; {@code layout.html} gives every
     * page the same head, navigation (the current page marked), footer and scripts.
     */
    private static final List<Page> PAGES = List.of(
            new Page("/", "index.html", "Data pipelines that explain themselves", "Home"),
            new Page("/product", "product.html", "Product", "Product"),
            new Page("/pricing", "pricing.html", "Pricing", "Pricing"),
            new Page("/docs", "docs.html", "Documentation", "Docs"),
            new Page("/careers", "careers.html", "Careers", "Careers"),
            new Page("/demo", "demo.html", "Request a demo", "Demo Request"));

    /**
     * @param title the page's title (before " · Skylark")
     * @param name  the page name the tracker sends with its page call ({@code data-page})
     */
    private record Page(String path, String file, String title, String name) {
        byte[] render(String layout) {
            String main = new String(read("pages/" + file), StandardCharsets.UTF_8);
            String html = layout.replace("{{title}}", title).replace("{{page}}", name)
                    .replace("<a href=\"" + path + "\">", "<a href=\"" + path + "\" aria-current=\"page\">")
                    .replace("{{main}}", main);
            return html.getBytes(StandardCharsets.UTF_8);
        }
    }

    private final Javalin app;

    private DemoSite(Javalin app) {
        this.app = app;
    }

    /**
     * @param collectorUrl the collector's base URL as the browser reaches it
     * @param writeKey     the website's write key (public by nature: it is in the page)
     * @param sellerPage   the seller page's URL, linked after a demo request; null when there is none
     */
    static DemoSite start(int port, String collectorUrl, String writeKey, String sellerPage) {
        String csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' "
                + collectorUrl + "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        byte[] config = configScript(collectorUrl, writeKey, sellerPage);
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.port = port;
            RoutesConfig routes = cfg.routes;
            String layout = new String(read("layout.html"), StandardCharsets.UTF_8);
            PAGES.forEach(p -> serve(routes, p.path(), p.render(layout), "text/html; charset=utf-8", csp));
            serve(routes, "/style.css", read("style.css"), "text/css; charset=utf-8", csp);
            serve(routes, "/leadflow.js", read("leadflow.js"), "text/javascript; charset=utf-8", csp);
            serve(routes, "/site.js", read("site.js"), "text/javascript; charset=utf-8", csp);
            serve(routes, "/favicon.svg", read("favicon.svg"), "image/svg+xml", csp);
            serve(routes, "/site-config.js", config, "text/javascript; charset=utf-8", csp);
        });
        app.start();
        return new DemoSite(app);
    }

    int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private static byte[] configScript(String collectorUrl, String writeKey, String sellerPage) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("collector", collectorUrl);
        config.put("writeKey", writeKey);
        config.put("sellerPage", sellerPage);
        try {
            // JSON is a JavaScript expression; '<' escaped so that no value can close a script element
            String json = JSON.writeValueAsString(config).replace("<", "\\u003c");
            return ("window.leadflowSite = " + json + ";\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void serve(RoutesConfig routes, String path, byte[] content, String contentType, String csp) {
        routes.get(path, ctx -> ctx.contentType(contentType)
                .header("Content-Security-Policy", csp)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "strict-origin-when-cross-origin")
                .header("Cache-Control", "no-cache")
                .result(content));
    }

    private static byte[] read(String file) {
        try (InputStream in = DemoSite.class.getResourceAsStream(BASE + file)) {
            if (in == null) {
                throw new IllegalStateException("website file missing from the jar: " + BASE + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
