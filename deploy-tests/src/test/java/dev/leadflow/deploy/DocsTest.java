package dev.leadflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.IdGenerator;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/ hold together: every relative link and anchor resolves (heading ids as GitHub
 * makes them), the README stays short and links every doc, and each doc says whom it is for.
 */
class DocsTest {

    private static final Parser MARKDOWN = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private static final Path README = Repo.ROOT.resolve("README.md");

    @Test
    void everyRelativeLinkAndAnchorResolves() {
        List<String> broken = new ArrayList<>();
        for (Path file : markdownFiles()) {
            for (String target : links(file)) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto: — not ours to check offline
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                String where = Repo.ROOT.relativize(file) + " → " + target;
                if (!Files.exists(resolved)) {
                    broken.add(where + ": no such file");
                } else if (anchor != null && !headingIds(resolved).contains(anchor)) {
                    broken.add(where + ": no heading with that id in " + Repo.ROOT.relativize(resolved));
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void readmeIsShortAndLinksEveryDoc() throws IOException {
        List<String> lines = Files.readAllLines(README);
        assertThat(lines.size()).as("README.md lines (reference material belongs in docs/)").isLessThan(300);
        Set<String> linked = new LinkedHashSet<>();
        for (String target : links(README)) {
            linked.add(target.replaceAll("#.*$", ""));
        }
        for (Path doc : docs()) {
            assertThat(linked).as("README links %s", Repo.ROOT.relativize(doc)).contains("docs/" + doc.getFileName());
        }
    }

    @Test
    void everyDocStartsWithWhomItIsFor() {
        for (Path doc : docs()) {
            Node root = MARKDOWN.parse(Repo.read(doc));
            Node first = root.getFirstChild();
            assertThat(first).as("%s starts with a title", doc.getFileName()).isInstanceOf(Heading.class);
            assertThat(((Heading) first).getLevel()).as("%s's title is a level-1 heading", doc.getFileName()).isEqualTo(1);
            Node next = first.getNext();
            assertThat(next).as("%s: a paragraph follows the title", doc.getFileName()).isInstanceOf(Paragraph.class);
            assertThat(text(next)).as("%s says whom it is for right after its title", doc.getFileName()).startsWith("For ");
        }
    }

    /** The README, every file of docs/ and the other READMEs of the repository. */
    private static List<Path> markdownFiles() {
        List<Path> files = new ArrayList<>();
        files.add(README);
        files.addAll(docs());
        for (String other : List.of("handoff-queue/README.md", "docker/redis/README.md")) {
            Path p = Repo.ROOT.resolve(other);
            if (Files.exists(p)) {
                files.add(p);
            }
        }
        return files;
    }

    private static List<Path> docs() {
        try (Stream<Path> s = Files.list(Repo.ROOT.resolve("docs"))) {
            return s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> links(Path file) {
        List<String> out = new ArrayList<>();
        MARKDOWN.parse(Repo.read(file)).accept(new AbstractVisitor() {
            @Override
            public void visit(Link link) {
                out.add(link.getDestination());
                visitChildren(link);
            }
        });
        return out;
    }

    /** Heading ids as GitHub renders them: lower case, punctuation dropped, spaces to hyphens, -1, -2 for repeats. */
    private static Set<String> headingIds(Path file) {
        Set<String> ids = new LinkedHashSet<>();
        if (!file.toString().endsWith(".md")) {
            return ids;
        }
        IdGenerator generator = IdGenerator.builder().build();
        MARKDOWN.parse(Repo.read(file)).accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                ids.add(generator.generateId(text(heading)));
            }
        });
        return ids;
    }

    private static String text(Node node) {
        StringBuilder sb = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text t) {
                sb.append(t.getLiteral());
            }

            @Override
            public void visit(Code c) {
                sb.append(c.getLiteral());
            }
        });
        return sb.toString();
    }
}
