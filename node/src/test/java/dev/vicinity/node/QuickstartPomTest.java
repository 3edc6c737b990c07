package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * examples/quickstart/pom.xml works when copied alone: it has no parent, takes Vicinity's artifacts by
 * version through the BOM (the version this repository builds), and versions every other dependency and
 * every plugin itself. (That the pom builds is shown by the reactor building it: without a parent its
 * model is the same there as in a copy; only where the artifacts come from differs.)
 */
class QuickstartPomTest {

    private static Document read(String relative) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(DocSnippets.repoFile(relative).toFile());
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent == null ? null : parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0);
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().strip();
    }

    @Test
    void theQuickstartPomStandsAloneOnTheBomOfThisVersion() throws Exception {
        Element pom = read("examples/quickstart/pom.xml").getDocumentElement();
        String repositoryVersion = text(read("pom.xml").getDocumentElement(), "version");
        Element bom = read("bom/pom.xml").getDocumentElement();
        Set<String> inBom = children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency").stream()
                .map(d -> text(d, "artifactId")).collect(Collectors.toSet());

        assertThat(child(pom, "parent")).as("no <parent>: the pom must build when copied alone").isNull();
        assertThat(text(child(pom, "properties"), "vicinity.version")).isEqualTo(repositoryVersion);

        List<Element> managed = children(child(child(pom, "dependencyManagement"), "dependencies"), "dependency");
        assertThat(managed).singleElement().satisfies(d -> {
            assertThat(text(d, "artifactId")).isEqualTo("vicinity-bom");
            assertThat(text(d, "version")).isEqualTo("${vicinity.version}");
            assertThat(text(d, "scope")).isEqualTo("import");
        });

        List<Element> deps = children(child(pom, "dependencies"), "dependency");
        assertThat(deps).isNotEmpty().allSatisfy(d -> {
            if ("dev.vicinity".equals(text(d, "groupId"))) {
                assertThat(inBom).as("managed by the BOM").contains(text(d, "artifactId"));
            } else {
                assertThat(text(d, "version")).as("version of " + text(d, "artifactId")).isNotBlank();
            }
        });
        assertThat(children(child(child(pom, "build"), "plugins"), "plugin"))
                .allSatisfy(p -> assertThat(text(p, "version")).as("version of " + text(p, "artifactId")).isNotBlank());
    }
}
