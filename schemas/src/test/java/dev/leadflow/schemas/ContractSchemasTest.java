package dev.leadflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.CampaignEngagement;
import dev.leadflow.avro.ClickEvent;
import dev.leadflow.avro.ControlCommand;
import dev.leadflow.avro.ErasureConfirmation;
import dev.leadflow.avro.ErasureRequest;
import dev.leadflow.avro.LeadHandoff;
import dev.leadflow.avro.SalesActivity;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Rules of the data contract (DESIGN.md, "Streams") that every record must keep as it evolves. */
class ContractSchemasTest {

    private static final List<Schema> TOPIC_RECORDS = List.of(ClickEvent.getClassSchema(),
            CampaignEngagement.getClassSchema(), SalesActivity.getClassSchema(), LeadHandoff.getClassSchema(),
            ControlCommand.getClassSchema(), ErasureRequest.getClassSchema(), ErasureConfirmation.getClassSchema());

    @Test
    void everyRecordCarriesEventIdAndEventTime() {
        for (Schema record : TOPIC_RECORDS) {
            assertThat(record.getNamespace()).isEqualTo("dev.leadflow.avro");
            assertThat(record.getField("event_id").schema().getType()).as(record.getName()).isEqualTo(Schema.Type.STRING);
            Schema occurredAt = record.getField("occurred_at").schema();
            assertThat(occurredAt.getLogicalType()).as(record.getName()).isEqualTo(LogicalTypes.timestampMillis());
        }
    }

    @Test
    void everyRecordFieldAndEnumIsDocumented() {
        Set<String> seen = new HashSet<>();
        for (Schema record : TOPIC_RECORDS) {
            walk(record, seen);
        }
        assertThat(seen).contains("dev.leadflow.avro.Reason", "dev.leadflow.avro.ClickType",
                "dev.leadflow.avro.SalesActivityType", "dev.leadflow.avro.HandoffAction");
    }

    private static void walk(Schema schema, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    assertThat(schema.getDoc()).as(schema.getFullName()).isNotBlank();
                    for (Schema.Field field : schema.getFields()) {
                        assertThat(field.doc()).as(schema.getName() + "." + field.name()).isNotBlank();
                        walk(field.schema(), seen);
                    }
                }
            }
            case ENUM -> {
                seen.add(schema.getFullName());
                assertThat(schema.getDoc()).as(schema.getFullName()).isNotBlank();
                // a default symbol keeps adding symbols later BACKWARD compatible
                assertThat(schema.getEnumDefault()).as(schema.getFullName()).isEqualTo("UNKNOWN");
                assertThat(schema.getEnumSymbols().get(0)).isEqualTo("UNKNOWN");
            }
            case ARRAY -> walk(schema.getElementType(), seen);
            case MAP -> walk(schema.getValueType(), seen);
            case UNION -> schema.getTypes().forEach(type -> walk(type, seen));
            default -> {
            }
        }
    }

    @Test
    void nullableFieldsDefaultToNull() {
        for (Schema record : TOPIC_RECORDS) {
            for (Schema.Field field : record.getFields()) {
                if (field.schema().isNullable()) {
                    assertThat(field.schema().getTypes().get(0).getType())
                            .as(record.getName() + "." + field.name()).isEqualTo(Schema.Type.NULL);
                    assertThat(field.hasDefaultValue()).as(record.getName() + "." + field.name()).isTrue();
                }
            }
        }
    }
}
