package dev.leadflow.launcher.security;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * A log4j2 appender that keeps every event of the JVM (message, logger, and the full stack trace
 * with every cause's message) while installed. It lowers the test configuration's quieter loggers
 * (Kafka, Pekko) to INFO, the level a deployment runs at, so that their configuration dumps are seen.
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {

    private static final List<String> RAISED = List.of("org.apache.kafka", "kafka", "org.apache.pekko", "org.apache.flink");

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Level> previous = new HashMap<>();
    private final LoggerContext context;

    private LogCapture(LoggerContext context) {
        super("leadflow-log-capture", null, null, true, Property.EMPTY_ARRAY);
        this.context = context;
    }

    static LogCapture install() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LogCapture capture = new LogCapture(context);
        capture.start();
        Configuration config = context.getConfiguration();
        config.addAppender(capture);
        config.getRootLogger().addAppender(capture, Level.ALL, null);
        for (String name : RAISED) {
            LoggerConfig logger = config.getLoggerConfig(name);
            if (logger.getName().equals(name)) {
                capture.previous.put(name, logger.getLevel());
                logger.setLevel(Level.INFO);
            } else {
                LoggerConfig added = new LoggerConfig(name, Level.INFO, true);
                config.addLogger(name, added);
                capture.previous.put(name, null);
            }
        }
        // loggers of the test config that do not pass events up to the root
        config.getLoggers().values().stream().filter(l -> !l.isAdditive())
                .forEach(l -> l.addAppender(capture, Level.ALL, null));
        context.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder line = new StringBuilder(event.getLevel() + " [" + event.getThreadName() + "] "
                + event.getLoggerName() + " - " + event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace);
        }
        events.add(line.toString());
    }

    List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(getName());
        config.getLoggers().values().forEach(l -> l.removeAppender(getName()));
        previous.forEach((name, level) -> {
            if (level == null) {
                config.removeLogger(name);
            } else {
                config.getLoggerConfig(name).setLevel(level);
            }
        });
        context.updateLoggers();
        stop();
    }
}
