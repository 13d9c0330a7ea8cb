package dev.leadflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.SalesActivity;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryClientTest {

    private final String scope = "mock-" + UUID.randomUUID();
    private final String otherScope = "mock-" + UUID.randomUUID();
    private final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);

    @AfterEach
    void dropScopes() {
        SchemaRegistryClient.dropMockScope(scope);
        SchemaRegistryClient.dropMockScope(otherScope);
    }

    @Test
    void idsAreGlobalAndVersionsPerSubject() {
        int clicks = registry.register("clicks", ClickEvent.getClassSchema());
        int sales = registry.register("sales", SalesActivity.getClassSchema());
        Schema clicksV2 = withOptionalField(ClickEvent.getClassSchema(), "referrer");
        int clicks2 = registry.register("clicks", clicksV2);

        assertThat(new int[] {clicks, sales, clicks2}).containsExactly(1, 2, 3);
        assertThat(registry.getLatest("clicks")).isEqualTo(new RegisteredSchema("clicks", 3, 2, clicksV2));
        assertThat(registry.getLatest("sales")).isEqualTo(new RegisteredSchema("sales", 2, 1, SalesActivity.getClassSchema()));
        assertThat(registry.getById(1)).isEqualTo(ClickEvent.getClassSchema());
    }

    @Test
    void theSameSchemaKeepsItsId() {
        int first = registry.register("clicks", ClickEvent.getClassSchema());

        assertThat(registry.register("clicks", new Schema.Parser().parse(ClickEvent.getClassSchema().toString())))
                .isEqualTo(first);
        assertThat(registry.getLatest("clicks").version()).isEqualTo(1);
        // under another subject it is the same schema, so the same id, but that subject's version 1
        assertThat(registry.register("clicks-copy", ClickEvent.getClassSchema())).isEqualTo(first);
        assertThat(registry.getLatest("clicks-copy")).isEqualTo(new RegisteredSchema("clicks-copy", first, 1,
                ClickEvent.getClassSchema()));
    }

    @Test
    void registrationIsCheckedBackwardAgainstTheLatestVersion() {
        registry.register("clicks", ClickEvent.getClassSchema());
        Schema requiredFieldAdded = SchemaBuilder.record("ClickEvent").namespace("dev.leadflow.avro").fields()
                .requiredString("event_id").requiredString("tenant").endRecord();

        assertThat(registry.isCompatible("clicks", withOptionalField(ClickEvent.getClassSchema(), "referrer"))).isTrue();
        assertThat(registry.isCompatible("clicks", requiredFieldAdded)).isFalse();
        assertThat(registry.isCompatible("no-such-subject", requiredFieldAdded)).isTrue();

        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
                () -> registry.register("clicks", CampaignEngagement.getClassSchema()));
        assertThat(e.isIncompatible()).isTrue();
        assertThat(e.httpStatus()).isEqualTo(409);
        assertThat(registry.getLatest("clicks").version()).isEqualTo(1);
    }

    @Test
    void aSubjectSetToNoneAcceptsAnIncompatibleSchema() {
        registry.register("clicks", ClickEvent.getClassSchema());
        registry.setCompatibility("clicks", MockSchemaRegistryClient.Compatibility.NONE);

        assertThat(registry.isCompatible("clicks", CampaignEngagement.getClassSchema())).isTrue();
        int id = registry.register("clicks", CampaignEngagement.getClassSchema());
        assertThat(registry.getLatest("clicks").id()).isEqualTo(id);
        assertThat(registry.getLatest("clicks").version()).isEqualTo(2);
    }

    @Test
    void missingThingsHaveTheRegistryErrorCodes() {
        SchemaRegistryException schema = catchThrowableOfType(SchemaRegistryException.class, () -> registry.getById(5));
        assertThat(schema.isSchemaNotFound()).isTrue();
        assertThat(schema.httpStatus()).isEqualTo(404);

        SchemaRegistryException subject = catchThrowableOfType(SchemaRegistryException.class,
                () -> registry.getLatest("nobody"));
        assertThat(subject.isSubjectNotFound()).isTrue();
        assertThat(subject.httpStatus()).isEqualTo(404);
    }

    @Test
    void scopesAreSharedByNameAndIsolatedBetweenNames() {
        SchemaRegistryClient sameScope = SchemaRegistryClient.create(RegistryConfig.of("mock://" + scope));
        SchemaRegistryClient other = SchemaRegistryClient.create(RegistryConfig.of("mock://" + otherScope));

        int id = registry.register("clicks", ClickEvent.getClassSchema());

        assertThat(sameScope.getById(id)).isEqualTo(ClickEvent.getClassSchema());
        assertThat(catchThrowableOfType(SchemaRegistryException.class, () -> other.getById(id)).isSchemaNotFound())
                .isTrue();
        assertThat(other.register("sales", SalesActivity.getClassSchema())).isEqualTo(1);
    }

    @Test
    void droppingAScopeEmptiesItForExistingClients() {
        registry.register("clicks", ClickEvent.getClassSchema());

        SchemaRegistryClient.dropMockScope(scope);

        assertThat(catchThrowableOfType(SchemaRegistryException.class, () -> registry.getLatest("clicks"))
                .isSubjectNotFound()).isTrue();
        assertThat(registry.register("sales", SalesActivity.getClassSchema())).isEqualTo(1);
    }

    @Test
    void concurrentRegistrationsGetDistinctIds() throws InterruptedException {
        int threads = 8;
        Set<Integer> ids = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < threads; i++) {
            String field = "f" + i;
            pool.execute(() -> ids.add(registry.register("subject-" + field,
                    SchemaBuilder.record("R").fields().requiredString(field).endRecord())));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(ids).hasSize(threads).allSatisfy(id -> assertThat(id).isBetween(1, threads));
    }

    /** The schema plus a nullable string field with a null default: a BACKWARD-compatible change. */
    private static Schema withOptionalField(Schema schema, String name) {
        return new Schema.Parser().parse(schema.toString().replaceFirst("\"fields\":\\[",
                "\"fields\":[{\"name\":\"" + name + "\",\"type\":[\"null\",\"string\"],\"default\":null},"));
    }
}
