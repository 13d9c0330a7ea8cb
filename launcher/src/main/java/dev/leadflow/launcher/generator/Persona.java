package dev.leadflow.launcher.generator;

import java.util.Locale;

/** Who a synthetic person is; decides their traits and what they do. */
public enum Persona {
    /** Reads the blog and docs, downloads content; rarely ready for sales. */
    RESEARCHER,
    /** Compares offerings: pricing, product, integrations, a webinar; often becomes marketing-qualified. */
    EVALUATOR,
    /** A member of an account's buying committee (3 to 5 people at one company); one of them asks for a demo. */
    BUYER,
    /** A student with a university address: engaged, never a sales lead. */
    STUDENT,
    /** Someone from a competitor studying our pricing; never a sales lead. */
    COMPETITOR,
    /** A crawler hammering pages, mostly anonymous, sometimes behind a free-mail sign-up. */
    BOT,
    /** A customer who buys through sales alone: an opportunity and a won deal with no marketing trail at all. */
    DIRECT;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
