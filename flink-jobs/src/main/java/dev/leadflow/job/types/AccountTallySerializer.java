package dev.leadflow.job.types;

import static dev.leadflow.job.types.BinaryFields.readString;
import static dev.leadflow.job.types.BinaryFields.readVarInt;
import static dev.leadflow.job.types.BinaryFields.writeString;
import static dev.leadflow.job.types.BinaryFields.writeVarInt;

import dev.leadflow.job.account.AccountTally;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link AccountTally}: engaged (varint), then the open lead ids (count, then each string). */
public final class AccountTallySerializer extends MutableRecordSerializer<AccountTally> {

    private static final long serialVersionUID = 1L;
    /** The record format this release writes: raise it with every change of the format (see {@link FormatSnapshot}). */
    public static final int FORMAT = 1;

    public static final AccountTallySerializer INSTANCE = new AccountTallySerializer();
    public static final TypeInformation<AccountTally> TYPE = new SingletonTypeInfo<>(AccountTally.class, INSTANCE);

    private AccountTallySerializer() {}

    @Override
    public AccountTally createInstance() {
        return new AccountTally();
    }

    @Override
    public AccountTally copy(AccountTally from) {
        AccountTally c = new AccountTally();
        c.engaged = from.engaged;
        c.open = new ArrayList<>(from.open);
        return c;
    }

    @Override
    protected void write(AccountTally t, DataOutputView out) throws IOException {
        writeVarInt(out, t.engaged);
        writeVarInt(out, t.open.size());
        for (String lead : t.open) {
            writeString(out, lead);
        }
    }

    @Override
    public AccountTally deserialize(DataInputView in) throws IOException {
        AccountTally t = new AccountTally();
        t.engaged = readVarInt(in);
        int open = readVarInt(in);
        t.open = new ArrayList<>(open);
        for (int i = 0; i < open; i++) {
            t.open.add(readString(in));
        }
        return t;
    }

    @Override
    public TypeSerializerSnapshot<AccountTally> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Names the format in checkpoints and savepoints; reads every format since the first. */
    public static final class Snapshot extends FormatSnapshot<AccountTally> {
        public Snapshot() {
            super(FORMAT);
        }

        @Override
        protected TypeSerializer<AccountTally> reader(int format) {
            return format == 1 ? INSTANCE : null;
        }
    }

    /** Named by {@code @TypeInfo} on {@link AccountTally}. */
    public static final class Factory extends TypeInfoFactory<AccountTally> {
        @Override
        public TypeInformation<AccountTally> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }
}
