package dev.leadflow.job.types;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of one of this package's serializers: it names the record format the state was
 * written in, so that every later release can read it. Each serializer declares its current
 * format ({@code FORMAT}) and, in its snapshot, a {@link #reader} for that and every earlier one.
 *
 * <p>On restore Flink reads this snapshot back from the savepoint, asks the job's current snapshot
 * whether it can take over ({@link #resolveSchemaCompatibility}), and reads the state with the old
 * snapshot's {@link #restoreSerializer}: the reader of the format the state was written in. State
 * of an older format is then "compatible after migration" (read with the old reader, written in the
 * current format from the next checkpoint on); of the current format "compatible as is"; of a
 * format this release does not know (a savepoint of a newer release) refused when read.
 *
 * <p>To change a format: keep the old write/read code as a serializer of its own (reading and
 * writing the old format, its snapshot naming the old number), raise {@code FORMAT}, make
 * {@link #reader} return the old serializer for the old number, and commit a new golden savepoint
 * (see docs/operations.md, "Upgrading from a savepoint").
 */
public abstract class FormatSnapshot<T> implements TypeSerializerSnapshot<T> {

    /**
     * Flink's version of this snapshot's own bytes (not of the records): an int, the format. Layout
     * 3 is that of Flink's SimpleTypeSerializerSnapshot, which these serializers used before their
     * formats had numbers (nothing written, format 1).
     */
    static final int LAYOUT = 4;
    private static final int UNNUMBERED_LAYOUT = 3;

    private final int current;
    private int format;

    /** The snapshot of a serializer writing the current format; Flink's restore also starts here. */
    protected FormatSnapshot(int currentFormat) {
        this(currentFormat, currentFormat);
    }

    /** The snapshot of a serializer of an older format {@code format} (one kept to read old state). */
    protected FormatSnapshot(int currentFormat, int format) {
        if (format < 1 || format > currentFormat) {
            throw new IllegalArgumentException("format " + format + " is not one of 1.." + currentFormat);
        }
        this.current = currentFormat;
        this.format = format;
    }

    /**
     * A serializer that reads (and writes) records of {@code format}, 1 to the current one; null for
     * a number no release ever wrote.
     */
    protected abstract TypeSerializer<T> reader(int format);

    /** The format of the state this snapshot describes. */
    public final int format() {
        return format;
    }

    @Override
    public final int getCurrentVersion() {
        return LAYOUT;
    }

    @Override
    public final void writeSnapshot(DataOutputView out) throws IOException {
        out.writeInt(format);
    }

    @Override
    public final void readSnapshot(int layout, DataInputView in, ClassLoader classLoader) throws IOException {
        int read = switch (layout) {
            case UNNUMBERED_LAYOUT -> 1;
            case LAYOUT -> in.readInt();
            default -> throw new IOException(getClass().getName() + ": unknown snapshot layout " + layout);
        };
        if (read < 1 || read > current || reader(read) == null) {
            throw new IOException(getClass().getName() + ": state written in format " + read + ", this release reads "
                    + "formats 1 to " + current + (read > current ? " (a savepoint of a newer release?)" : ""));
        }
        format = read;
    }

    @Override
    public final TypeSerializer<T> restoreSerializer() {
        TypeSerializer<T> reader = reader(format);
        if (reader == null) {
            throw new IllegalStateException(getClass().getName() + " has no reader for its format " + format);
        }
        return reader;
    }

    /** Called on the job's current snapshot with the one read from the savepoint. */
    @Override
    public final TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
        if (old.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int oldFormat = ((FormatSnapshot<T>) old).format;
        if (oldFormat == current) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        return oldFormat < current
                ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                : TypeSerializerSchemaCompatibility.incompatible();
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((FormatSnapshot<?>) o).format == format;
    }

    @Override
    public final int hashCode() {
        return getClass().hashCode() * 31 + format;
    }

    @Override
    public String toString() {
        return getClass().getName() + "(format " + format + ")";
    }
}
