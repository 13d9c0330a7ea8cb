package dev.leadflow.launcher.ops;

import dev.leadflow.job.control.ModelTopic;
import dev.leadflow.launcher.Flags;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ModelException;
import dev.leadflow.scoring.model.ScoringModel;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;

/**
 * {@code leadflow model publish FILE} and {@code leadflow model show}: the scoring model on
 * {@value Topics#SCORING_MODEL}, the one source of truth the job follows (docs/scoring-model.md). Publish
 * validates the document the way the job does and writes nothing if it is invalid; show reads the topic to its end
 * and prints the newest valid version, the one a job started now scores with.
 */
public final class ModelCommand {

    private static final String USAGE = "usage: leadflow model publish <file.yaml> | leadflow model show [--full]"
            + " [--bootstrap-servers ..] [--registry-url ..]";

    private ModelCommand() {}

    /** {@code args}: {@code publish FILE} or {@code show}, then flags. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new Flags.UsageException("publish or show? " + USAGE);
        }
        switch (args[0]) {
            case "publish":
                return publish(Arrays.copyOfRange(args, 1, args.length), out, err);
            case "show":
                return show(Flags.parse(Arrays.copyOfRange(args, 1, args.length)), out);
            default:
                throw new Flags.UsageException("unknown subcommand '" + args[0] + "'; " + USAGE);
        }
    }

    private static int publish(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new Flags.UsageException("which file? " + USAGE);
        }
        Path file = Path.of(args[0]);
        Flags flags = Flags.parse(Arrays.copyOfRange(args, 1, args.length));
        KafkaConnection connection = KafkaConnection.from(flags);
        flags.requireAllUsed();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Flags.UsageException("no such file: " + file);
        }
        ScoringModel model;
        try {
            model = ScoringModel.fromYaml(text);
        } catch (ModelException e) {
            err.println("leadflow model publish: " + file + " is not a valid scoring model, nothing published: "
                    + e.getMessage());
            return 1;
        }
        Properties client = connection.clientProperties();
        try {
            ModelTopic.createIfMissing(client, OneRecord.SEND_TIMEOUT);
        } catch (Exception e) {
            err.println("note: could not check or create " + Topics.SCORING_MODEL + " (" + e.getMessage()
                    + "); publishing anyway");
        }
        long offset = ModelTopic.publish(client, model.version(), text, OneRecord.SEND_TIMEOUT);
        out.printf("Published scoring model %s to %s (offset %d); the running job applies it from each lead's next "
                + "event on, and a job started later starts with it.%n", model.version(), Topics.SCORING_MODEL, offset);
        return 0;
    }

    private static int show(Flags flags, PrintStream out) throws Exception {
        KafkaConnection connection = KafkaConnection.from(flags);
        boolean full = flags.bool("full");
        flags.requireAllUsed();
        String newest = ModelTopic.newestValid(connection.clientProperties(), OneRecord.SEND_TIMEOUT).orElse(null);
        if (newest == null) {
            out.println("No valid scoring model on " + Topics.SCORING_MODEL
                    + ": a job started now publishes its --model there and scores with it.");
            return 0;
        }
        out.println(ScoringModel.fromYaml(newest).version());
        if (full) {
            out.print(newest);
        }
        return 0;
    }
}
