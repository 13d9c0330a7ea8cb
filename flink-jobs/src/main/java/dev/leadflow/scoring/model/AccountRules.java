package dev.leadflow.scoring.model;

import java.io.Serializable;

/**
 * The buying committee: a lead with engagement of at least {@code engagedAt} counts as engaged;
 * each other engaged lead of the same account adds {@code bonusPerEngagedLead} to the priority,
 * up to {@code maxBonus}; hand-raisers get {@code handRaiserBoost} on top so they sort first. A queued lead's
 * priority follows its readiness while it waits, refreshed whenever readiness has moved by
 * {@code priorityTolerance} points since the queue last heard.
 */
record AccountRules(int engagedAt, int bonusPerEngagedLead, int maxBonus, int handRaiserBoost, int priorityTolerance)
        implements Serializable {}
