package dev.leadflow.api;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The clock a response target counts on: all hours, or the business hours of a time zone.
 *
 * <p>Grammar of {@link #parse}: one or more rules separated by {@code ;}, each {@code <days> <from>-<to>}
 * where days are {@code Mon}..{@code Sun}, a range ({@code Mon-Fri}) or a comma list ({@code Mon,Wed});
 * times are {@code HH:mm} in the zone, {@code to} after {@code from} (use {@code 24:00} for midnight).
 * Example: {@code Mon-Thu 09:00-17:30; Fri 09:00-15:00}. Daylight-saving changes follow the zone.
 */
final class BusinessHours {

    /** Every hour counts. */
    static final BusinessHours ALWAYS = new BusinessHours(null, Map.of());
    private static final int MAX_DAYS = 800;

    private record Window(LocalTime from, LocalTime to, boolean toMidnight) {
    }

    private final ZoneId zone;
    private final Map<DayOfWeek, List<Window>> week;

    private BusinessHours(ZoneId zone, Map<DayOfWeek, List<Window>> week) {
        this.zone = zone;
        this.week = week;
    }

    static BusinessHours parse(String rules, ZoneId zone) {
        Map<DayOfWeek, List<Window>> week = new EnumMap<>(DayOfWeek.class);
        for (String rule : rules.split(";")) {
            String r = rule.strip();
            if (r.isEmpty()) {
                continue;
            }
            String[] parts = r.split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("\"" + r + "\" is not like \"Mon-Fri 09:00-17:00\"");
            }
            String[] times = parts[1].split("-");
            if (times.length != 2) {
                throw new IllegalArgumentException("\"" + parts[1] + "\" is not a time range like 09:00-17:00");
            }
            LocalTime from = time(times[0]);
            boolean midnight = times[1].equals("24:00");
            LocalTime to = midnight ? LocalTime.MAX : time(times[1]);
            if (!to.isAfter(from)) {
                throw new IllegalArgumentException("\"" + parts[1] + "\" ends before it starts");
            }
            for (DayOfWeek day : days(parts[0])) {
                week.computeIfAbsent(day, d -> new ArrayList<>()).add(new Window(from, to, midnight));
            }
        }
        if (week.isEmpty()) {
            throw new IllegalArgumentException("no business hours given");
        }
        week.values().forEach(list -> list.sort((a, b) -> a.from().compareTo(b.from())));
        return new BusinessHours(zone, week);
    }

    /** The instant when {@code amount} of counted time has passed since {@code start}. */
    Instant plus(Instant start, Duration amount) {
        if (zone == null) {
            return start.plus(amount);
        }
        Duration left = amount;
        LocalDate day = start.atZone(zone).toLocalDate();
        for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
            for (Window w : week.getOrDefault(day.getDayOfWeek(), List.of())) {
                Instant open = max(day.atTime(w.from()).atZone(zone).toInstant(), start);
                Instant close = closeOf(day, w);
                if (!close.isAfter(open)) {
                    continue;
                }
                Duration span = Duration.between(open, close);
                if (span.compareTo(left) >= 0) {
                    return open.plus(left);
                }
                left = left.minus(span);
            }
        }
        throw new IllegalStateException("business hours too sparse to count " + amount);
    }

    /** Counted time between two instants (zero when {@code to} is not after {@code from}). */
    Duration between(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Duration.ZERO;
        }
        if (zone == null) {
            return Duration.between(from, to);
        }
        Duration total = Duration.ZERO;
        LocalDate day = from.atZone(zone).toLocalDate();
        LocalDate last = to.atZone(zone).toLocalDate();
        for (int i = 0; i < MAX_DAYS && !day.isAfter(last); i++, day = day.plusDays(1)) {
            for (Window w : week.getOrDefault(day.getDayOfWeek(), List.of())) {
                Instant open = max(day.atTime(w.from()).atZone(zone).toInstant(), from);
                Instant close = min(closeOf(day, w), to);
                if (close.isAfter(open)) {
                    total = total.plus(Duration.between(open, close));
                }
            }
        }
        return total;
    }

    private Instant closeOf(LocalDate day, Window w) {
        ZonedDateTime close = w.toMidnight() ? day.plusDays(1).atStartOfDay(zone) : day.atTime(w.to()).atZone(zone);
        return close.toInstant();
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static LocalTime time(String text) {
        try {
            return LocalTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a time like 09:00");
        }
    }

    private static List<DayOfWeek> days(String text) {
        List<DayOfWeek> days = new ArrayList<>();
        for (String item : text.split(",")) {
            String[] range = item.split("-");
            DayOfWeek from = day(range[0]);
            DayOfWeek to = range.length == 2 ? day(range[1]) : from;
            if (range.length > 2) {
                throw new IllegalArgumentException("\"" + item + "\" is not a day or a range of days");
            }
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                days.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().toLowerCase(Locale.ROOT).startsWith(t) && t.length() >= 3) {
                return d;
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
    }

    @Override
    public String toString() {
        return zone == null ? "always" : "business hours " + week + " in " + zone;
    }
}
