/**
 * The scoring model as sales ops write it: the YAML document ({@code docs/scoring-model.md}) parsed and validated
 * into {@link dev.leadflow.scoring.model.ScoringModel} and its rules (signals, fit, domains, routing, grades, sales
 * feedback, account priority). Every error names the key path that failed. The maths that applies the rules to a
 * lead is in {@link dev.leadflow.scoring}.
 */
package dev.leadflow.scoring.model;
