import type { RuleRef } from '../core/refs.js';
import { ruleLabel } from '../core/refs.js';
import { type Direction, denialsFor, grantsFor, isolations, sides } from '../explain/policies.js';
import type { CellVerdict, L7CellLike } from '../matrix/matrix.js';
import type { ConnSet } from '../values/conn-set.js';
import type { Cause } from './changes.js';

type Revision = Cause['revision'];

/**
 * Why a pair's L4 connections changed:
 * - what is newly allowed: the head rules that allow it, and the base policies that used to isolate it;
 * - what is no longer allowed: the base rules that allowed it, and the head policies that isolate it now;
 * - AdminNetworkPolicy / BaselineAdminNetworkPolicy Deny rules that denied the added part in base or
 *   deny the removed part in head (each cause names its tier: the rule's kind).
 * A direction that is not isolated allows everything by default and has no rule to cite.
 */
export function l4Causes(
  before: CellVerdict<L7CellLike> | undefined,
  after: CellVerdict<L7CellLike> | undefined,
  added: ConnSet,
  removed: ConnSet,
): Cause[] {
  const causes: Cause[] = [];
  if (!added.isEmpty()) {
    causes.push(...grantCauses(after, 'head', added));
    causes.push(...denialCauses(before, 'base', added));
    causes.push(...isolationCauses(before, 'base', added));
  }
  if (!removed.isEmpty()) {
    causes.push(...grantCauses(before, 'base', removed));
    causes.push(...denialCauses(after, 'head', removed));
    causes.push(...isolationCauses(after, 'head', removed));
  }
  causes.push(...uncertainCauses(before, 'base'), ...uncertainCauses(after, 'head'));
  return dedupe(causes);
}

function grantCauses(v: CellVerdict<L7CellLike> | undefined, revision: Revision, part: ConnSet): Cause[] {
  return sides(v?.l4).flatMap(([direction, side]) =>
    grantsFor(side, part).map((g) => ruleCause(g.rule, revision, direction, g.conns)),
  );
}

/** AdminNetworkPolicy / BaselineAdminNetworkPolicy Deny rules that deny (some of) `part`: the tier is in the rule's name. */
function denialCauses(v: CellVerdict<L7CellLike> | undefined, revision: Revision, part: ConnSet): Cause[] {
  return sides(v?.l4).flatMap(([direction, side]) =>
    denialsFor(side, part).map((d) => ({
      revision,
      layer: 'l4' as const,
      effect: 'denies' as const,
      direction,
      rule: ruleLabel(d.rule),
      conns: d.conns.toString(),
      location: d.rule.location,
    })),
  );
}

/** Policies that isolate a direction and do not allow (all of) `part`. */
function isolationCauses(v: CellVerdict<L7CellLike> | undefined, revision: Revision, part: ConnSet): Cause[] {
  return isolations(v?.l4, part).flatMap(([direction, iso]) =>
    iso.by.map((p) => ({
      revision,
      layer: 'l4' as const,
      effect: 'isolates' as const,
      direction,
      rule: ruleLabel({ policy: p, rule: '', location: p.location }),
      conns: iso.blocked.toString(),
      location: p.location,
    })),
  );
}

function uncertainCauses(v: CellVerdict<L7CellLike> | undefined, revision: Revision): Cause[] {
  return sides(v?.l4).flatMap(([direction, side]) =>
    side.uncertainBy.map((p) => ({
      direction,
      revision,
      layer: 'l4' as const,
      effect: 'uncertain' as const,
      rule: ruleLabel({ policy: p, rule: '', location: p.location }),
      location: p.location,
    })),
  );
}

function ruleCause(rule: RuleRef, revision: Revision, direction: Direction, conns: ConnSet): Cause {
  return {
    revision,
    layer: 'l4',
    effect: 'allows',
    direction,
    rule: ruleLabel(rule),
    conns: conns.toString(),
    location: rule.location,
  };
}

function dedupe(causes: Cause[]): Cause[] {
  const seen = new Set<string>();
  return causes.filter((c) => {
    const key = `${c.revision}|${c.layer}|${c.effect}|${c.rule}|${c.conns ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
