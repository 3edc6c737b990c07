package dev.vicinity.testkit;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.vicinity.client.archfixture.ClientThatUsesTheServer;
import dev.vicinity.geo.archfixture.GeoThatBreaksTheRules;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Enforces the module rules of BRIEF §1 and docs/architecture.md on the compiled main classes of every
 * domain module on this module's classpath (core, geo, chat, rating), of the gateway and of the Java client. Each rule is also checked against a deliberately bad
 * fixture class to prove that it can fail.
 */
class ArchitectureTest {

    private static final String[] STORAGE_PACKAGES = {
        "java.sql..", "javax.sql..", "org.h2..", "org.h2gis..", "org.postgresql..", "io.lettuce..",
        "redis..", "com.zaxxer..", "io.micrometer.."
    };
    private static final String[] ADAPTER_PACKAGES = {
        "dev.vicinity.memory..", "dev.vicinity.h2gis..", "dev.vicinity.postgres..", "dev.vicinity.redis..",
        "dev.vicinity.micrometer..", "dev.vicinity.testkit.."
    };

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vicinity.core", "dev.vicinity.geo", "dev.vicinity.chat", "dev.vicinity.rating",
                        "dev.vicinity.gateway", "dev.vicinity.client");
    }

    static ArchRule coreDependsOnNothingOfOurs() {
        return noClasses().that().resideInAPackage("dev.vicinity.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vicinity.geo..", "dev.vicinity.chat..",
                        "dev.vicinity.rating..", "dev.vicinity.memory..", "dev.vicinity.h2gis..",
                        "dev.vicinity.postgres..", "dev.vicinity.redis..", "dev.vicinity.micrometer..",
                        "dev.vicinity.testkit..")
                .allowEmptyShould(true)
                .because("core depends on nothing of Vicinity's (BRIEF §1)");
    }

    static ArchRule domainModulesAreIndependent(String module, String... others) {
        String[] forbidden = new String[others.length];
        for (int i = 0; i < others.length; i++) {
            forbidden[i] = "dev.vicinity." + others[i] + "..";
        }
        return noClasses().that().resideInAPackage("dev.vicinity." + module + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .allowEmptyShould(true)
                .because(module + " depends on core only; matching, chat and rating are separate (BRIEF §1)");
    }

    static ArchRule domainModulesHaveNoStorageCode() {
        return noClasses().that().resideInAnyPackage("dev.vicinity.core..", "dev.vicinity.geo..",
                        "dev.vicinity.chat..", "dev.vicinity.rating..")
                .should().dependOnClassesThat().resideInAnyPackage(STORAGE_PACKAGES)
                .allowEmptyShould(true)
                .because("domain modules have no JDBC, Redis or H2 code (BRIEF §1)");
    }

    static ArchRule domainModulesDoNotUseAdapters() {
        return noClasses().that().resideInAnyPackage("dev.vicinity.core..", "dev.vicinity.geo..",
                        "dev.vicinity.chat..", "dev.vicinity.rating..")
                .should().dependOnClassesThat().resideInAnyPackage(ADAPTER_PACKAGES)
                .allowEmptyShould(true)
                .because("adapters depend on domain modules, never the other way round (BRIEF §1)");
    }

    static ArchRule domainModulesHaveNoJacksonAndNoGateway() {
        return noClasses().that().resideInAnyPackage("dev.vicinity.core..", "dev.vicinity.geo..",
                        "dev.vicinity.chat..", "dev.vicinity.rating..")
                .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml..", "dev.vicinity.gateway..")
                .allowEmptyShould(true)
                .because("core, geo, chat and rating depend on slf4j-api only; the wire protocol (and Jackson) "
                        + "lives in the gateway module (docs/architecture.md)");
    }

    static ArchRule gatewayDoesNotUseAdapters() {
        return noClasses().that().resideInAPackage("dev.vicinity.gateway..")
                .should().dependOnClassesThat().resideInAnyPackage(ADAPTER_PACKAGES)
                .orShould().dependOnClassesThat().resideInAnyPackage(STORAGE_PACKAGES)
                .allowEmptyShould(true)
                .because("the gateway speaks to stores only through the domain services and SPIs");
    }

    static ArchRule libraryCodeNeverPrints() {
        return noClasses().that().resideInAnyPackage("dev.vicinity.core..", "dev.vicinity.geo..",
                        "dev.vicinity.chat..", "dev.vicinity.rating..", "dev.vicinity.gateway..")
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .allowEmptyShould(true)
                .because("library code logs through SLF4J and never prints");
    }

    static ArchRule clientDependsOnNoServerModule() {
        return noClasses().that().resideInAPackage("dev.vicinity.client..")
                .should().dependOnClassesThat(resideInAPackage("dev.vicinity..").and(not(resideInAPackage("dev.vicinity.client.."))))
                .allowEmptyShould(true)
                .because("vicinity-client runs in apps: it speaks the wire protocol and uses no server module "
                        + "(core, geo, chat, rating, gateway, node, adapters) (docs/clients.md)");
    }

    static List<ArchRule> rules() {
        return List.of(coreDependsOnNothingOfOurs(),
                domainModulesAreIndependent("geo", "chat", "rating"),
                domainModulesAreIndependent("chat", "geo", "rating"),
                domainModulesAreIndependent("rating", "geo", "chat"),
                domainModulesHaveNoStorageCode(),
                domainModulesDoNotUseAdapters(),
                domainModulesHaveNoJacksonAndNoGateway(),
                gatewayDoesNotUseAdapters(),
                libraryCodeNeverPrints(),
                clientDependsOnNoServerModule());
    }

    @Test
    void classesOfTheDomainModulesWereFound() {
        for (String module : List.of("core", "geo", "chat", "rating", "gateway", "client")) {
            assertThat(production.stream().filter(c -> c.getPackageName().startsWith("dev.vicinity." + module)))
                    .as(module + " classes on the classpath").isNotEmpty();
        }
    }

    @Test
    void productionClassesFollowEveryRule() {
        for (ArchRule rule : rules()) {
            rule.check(production);
        }
    }

    @Test
    void theRulesRejectAGeoClassThatImportsChatJdbcJacksonTheGatewayOrPrints() {
        JavaClasses bad = new ClassFileImporter().importClasses(GeoThatBreaksTheRules.class);
        assertThatThrownBy(() -> domainModulesAreIndependent("geo", "chat", "rating").check(bad))
                .isInstanceOf(AssertionError.class).hasMessageContaining("dev.vicinity.chat");
        assertThatThrownBy(() -> domainModulesHaveNoStorageCode().check(bad))
                .isInstanceOf(AssertionError.class).hasMessageContaining("java.sql.Connection");
        assertThatThrownBy(() -> domainModulesHaveNoJacksonAndNoGateway().check(bad))
                .isInstanceOf(AssertionError.class).hasMessageContaining("com.fasterxml.jackson.databind.JsonNode")
                .hasMessageContaining("dev.vicinity.gateway.GatewayErrorCodes");
        assertThatThrownBy(() -> libraryCodeNeverPrints().check(bad))
                .isInstanceOf(AssertionError.class).hasMessageContaining("System.out");
    }

    @Test
    void theClientRuleRejectsAClientClassThatUsesAServerModule() {
        JavaClasses bad = new ClassFileImporter().importClasses(ClientThatUsesTheServer.class);
        assertThatThrownBy(() -> clientDependsOnNoServerModule().check(bad))
                .isInstanceOf(AssertionError.class).hasMessageContaining("dev.vicinity.core.UserId");
    }
}
