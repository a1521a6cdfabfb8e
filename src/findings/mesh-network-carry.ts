import type { K8sObject } from '../manifests/types.js';
import type { Workload } from '../model/types.js';
import { relabelled, sameObject, unchangedFiles, unchangedWorkload } from './carry-forward.js';
import type { RevisionContext } from './context.js';
import type { RawFinding } from './types.js';

// mesh-allows-network-blocks (mesh-network.ts): its rules' findings carried whole to the revision
// that runs second, where nothing they read changed.

/** A principal or namespace value an ALLOW rule names. */
export interface NamedValue {
  readonly field: 'principals' | 'namespaces';
  readonly value: string;
}

/** One rule of an ALLOW policy in the revision that ran first: its object, destinations and findings. */
export interface RuleRecord {
  readonly object: K8sObject;
  /** The destinations it was asked at (ids, in order). */
  readonly dsts: readonly string[];
  readonly findings: readonly RawFinding[];
  /** The pairs its principals entries covered; undefined when one was already an earlier rule's. */
  readonly subjects: readonly string[] | undefined;
}

/**
 * A rule's findings carried whole from the revision that ran first, or undefined (then it is walked,
 * with the decisions DeadRecord carries). They are the same here when everything the walk reads is:
 *  - the policy is the same object at the same place (its content, rule, lines: carry-forward.ts sameObject),
 *  - it is asked at the same destinations, and for each value the rule names the same workloads (the
 *    injected and the plaintext ones, in order), each unchanged (stable: the same cells with one
 *    another and the same Istio answers, as DeadRecord's decisions rest on; and read from the same
 *    object at the same place: the same ids, annotations, and lines in the messages),
 *  - no pair it covered there is already an earlier rule's here (each pair is reported once), and it
 *    left none to an earlier rule there,
 *  - and every location its findings name is in a file both revisions read alike (unchangedFiles).
 * A value naming thousands (`team-*`) fails the second as soon as one of them changed: walked.
 */
export function ruleCarry(
  ctx: RevisionContext,
  before: { readonly ctx: RevisionContext; readonly rules: ReadonlyMap<string, RuleRecord> },
  seen: ReadonlySet<string>,
): (
  key: string,
  object: K8sObject,
  dsts: readonly Workload[],
  values: readonly NamedValue[],
) => RuleRecord | undefined {
  const unchanged = unchangedWorkload(ctx, before.ctx);
  const sameFile = unchangedFiles(ctx, before.ctx);
  const sameList = (a: readonly Workload[], b: readonly Workload[]) =>
    a.length === b.length && a.every((w, i) => w.id === b[i]!.id && unchanged(w));
  const sameNamed = new Map<string, boolean>();
  const namesAlike = (n: NamedValue) => {
    const key = `${n.field}\u0000${n.value}`;
    let same = sameNamed.get(key);
    if (same === undefined) {
      const [now, then] = [ctx.namedWorkloads(n.field, n.value), before.ctx.namedWorkloads(n.field, n.value)];
      same = sameList(now.injected, then.injected) && sameList(now.plaintext, then.plaintext);
      sameNamed.set(key, same);
    }
    return same;
  };
  return (key, object, dsts, values) => {
    const was = before.rules.get(key);
    if (!was?.subjects || !sameObject(object, was.object)) return undefined;
    if (dsts.length !== was.dsts.length || !dsts.every((d, i) => d.id === was.dsts[i] && unchanged(d)))
      return undefined;
    if (!values.every(namesAlike)) return undefined;
    if (was.subjects.some((subject) => seen.has(subject))) return undefined;
    if (!was.findings.every((f) => f.locations.every((l) => sameFile(l.file)))) return undefined;
    return { ...was, object, findings: was.findings.map((f) => relabelled(f, ctx.rev.label)) };
  };
}
