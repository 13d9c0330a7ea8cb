package dev.leadflow.job.types;

import static dev.leadflow.job.types.BinaryFields.readString;
import static dev.leadflow.job.types.BinaryFields.readVarInt;
import static dev.leadflow.job.types.BinaryFields.writeString;
import static dev.leadflow.job.types.BinaryFields.writeVarInt;

import dev.leadflow.scoring.LeadStory;
import dev.leadflow.scoring.StoryEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link LeadStory} in lead scoring's state: the entries oldest first (see {@link #writeEntries}). The
 * entries' format is also that of {@link LeadUpdateSerializer}'s story.
 */
public final class LeadStorySerializer extends MutableRecordSerializer<LeadStory> {

    private static final long serialVersionUID = 1L;
    /** The record format this release writes: raise it with every change of the format (see {@link FormatSnapshot}). */
    public static final int FORMAT = 1;

    public static final LeadStorySerializer INSTANCE = new LeadStorySerializer();
    public static final TypeInformation<LeadStory> TYPE = new SingletonTypeInfo<>(LeadStory.class, INSTANCE);

    private LeadStorySerializer() {}

    @Override
    public LeadStory createInstance() {
        return new LeadStory();
    }

    @Override
    public LeadStory copy(LeadStory from) {
        return from.copy();
    }

    @Override
    protected void write(LeadStory story, DataOutputView out) throws IOException {
        // the format of writeEntries, without making an entry object of each
        writeVarInt(out, story.size() + 1);
        for (int i = 0; i < story.size(); i++) {
            out.writeLong(story.at(i));
            writeString(out, story.sourceOf(i));
            writeString(out, story.whatOf(i));
        }
    }

    @Override
    public LeadStory deserialize(DataInputView in) throws IOException {
        List<StoryEntry> entries = readEntries(in);
        return entries == null ? new LeadStory() : new LeadStory(entries);
    }

    /** 0 for null, otherwise size + 1; each entry its time (long), source and text. */
    static void writeEntries(DataOutputView out, List<StoryEntry> entries) throws IOException {
        if (entries == null) {
            writeVarInt(out, 0);
            return;
        }
        writeVarInt(out, entries.size() + 1);
        for (StoryEntry e : entries) {
            out.writeLong(e.at);
            writeString(out, e.source);
            writeString(out, e.what);
        }
    }

    static List<StoryEntry> readEntries(DataInputView in) throws IOException {
        int header = readVarInt(in);
        if (header == 0) {
            return null;
        }
        List<StoryEntry> entries = new ArrayList<>(header - 1);
        for (int i = 1; i < header; i++) {
            // the words are shared with every other entry that says the same: a restored or received story is small
            entries.add(new StoryEntry(in.readLong(), LeadStory.shared(readString(in)), LeadStory.shared(readString(in))));
        }
        return entries;
    }

    @Override
    public TypeSerializerSnapshot<LeadStory> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Names the format in checkpoints and savepoints; reads every format since the first. */
    public static final class Snapshot extends FormatSnapshot<LeadStory> {
        public Snapshot() {
            super(FORMAT);
        }

        @Override
        protected TypeSerializer<LeadStory> reader(int format) {
            return format == 1 ? INSTANCE : null;
        }
    }
}
