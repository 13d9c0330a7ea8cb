package dev.leadflow.job;

import dev.leadflow.scoring.LeadEvent;
import dev.leadflow.scoring.LeadState;
import dev.leadflow.scoring.Reason;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** Every type that crosses an operator boundary or lives in state is a Flink POJO: no silent Kryo. */
class PojoSerializationTest {

    @Test
    void streamAndStateTypesAreSerializedAsPojosWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(LeadEvent.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(DeadLetter.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(DecodedRecord.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Control.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ControlRecord.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(LeadUpdate.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(HandoffCommand.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(AccountMember.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(LeadEmission.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Reason.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(LeadState.class);
    }
}
