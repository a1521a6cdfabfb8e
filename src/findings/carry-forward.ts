import type { SourceLocation } from '../core/location.js';
import type { K8sObject } from '../manifests/types.js';
import { workloadPeer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import type { RevisionContext } from './context.js';
import type { RawFinding } from './types.js';

/*
 * Decisions carried from base to head. A rule's verdict on a pair (is there a finding?) depends only
 * on what the matrix fingerprints of its two ends say (equal fingerprints, equal verdicts, candidates
 * and sidecars) plus the rule's own input. So the rules carry them by stability (`stabilityAgainst`):
 * the revision that runs first records what it decided (`earlier`: its few positive decisions, or a
 * witness), and the second asks again only where an end's fingerprint changed. Only the decision is
 * carried: a finding's text and lines are built from head's own objects, since fingerprints leave
 * locations out and a policy may have moved in its file.
 */

/**
 * What a rule leaves in `ctx.shared` for the other revision: the context that ran it first and what
 * it found there. `undefined` for the revision that runs first (nothing left yet, or a `shared` that
 * remembers nothing, as the law tests use), and for a rule run again on the revision that left it.
 */
export function earlier<R extends { readonly ctx: RevisionContext }>(
  ctx: RevisionContext,
  tag: string,
): R | undefined {
  const found = ctx.shared.get(tag) as R | undefined;
  return found && found.ctx !== ctx ? found : undefined;
}

const stability = new WeakMap<RevisionContext, WeakMap<RevisionContext, Stability>>();

export interface Stability {
  /**
   * Whether `w` is in `before` too, same id and same matrix fingerprint: then every pair of two
   * stable workloads has the verdict (L4 and L7 cells, candidates, sidecars) it had in `before`, so
   * a rule's decision on it is `before`'s. Never on an unknown fingerprint.
   */
  stable(w: Workload): boolean;
  /** The workloads that are not stable, in model order (few in a small change). */
  readonly unstable: readonly Workload[];
  /** `w`'s position in `unstable`, or undefined when it is stable (or not of this revision). */
  unstableAt(w: Workload): number | undefined;
  /** The stable workload of `ctx` with this id, if there is one. */
  stableById(id: string): Workload | undefined;
}

/** Which workloads of `ctx` are stable against the revision `before` (see Stability). Memoised. */
export function stabilityAgainst(ctx: RevisionContext, before: RevisionContext): Stability {
  let perCtx = stability.get(ctx);
  if (!perCtx) {
    perCtx = new WeakMap();
    stability.set(ctx, perCtx);
  }
  let found = perCtx.get(before);
  if (!found) {
    const old = new Map(before.rev.model.workloads.map((w) => [w.id, w]));
    const stableSet = new Set<Workload>();
    const unstable: Workload[] = [];
    const byId = new Map<string, Workload>();
    for (const w of ctx.rev.model.workloads) {
      const o = old.get(w.id);
      const f = ctx.matrix.fingerprint(workloadPeer(w));
      const same = o !== undefined && f !== undefined && before.matrix.fingerprint(workloadPeer(o)) === f;
      if (same) {
        stableSet.add(w);
        byId.set(w.id, w);
      } else unstable.push(w);
    }
    const at = new Map(unstable.map((w, i) => [w, i]));
    found = {
      stable: (w) => stableSet.has(w),
      unstable,
      unstableAt: (w) => at.get(w),
      stableById: (id) => byId.get(id),
    };
    perCtx.set(before, found);
  }
  return found;
}

const orders = new WeakMap<RevisionContext, Map<Workload, number>>();

/**
 * Sorts carried workloads into the order a plain walk meets them, so a finding's first member (its
 * example) is the same either way: `candidates` for a destination's possible sources (by namespace
 * name, then model order, as candidate lists come), `model` for a filter of the model's workloads.
 */
export function inWalkOrder(
  ctx: RevisionContext,
  list: Workload[],
  order: 'candidates' | 'model',
): Workload[] {
  if (list.length < 2) return list;
  let index = orders.get(ctx);
  if (!index) {
    index = new Map(ctx.rev.model.workloads.map((w, i) => [w, i]));
    orders.set(ctx, index);
  }
  const at = index;
  const byNamespace = (a: Workload, b: Workload) =>
    a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
  return list.sort((a, b) => (order === 'candidates' ? byNamespace(a, b) : 0) || at.get(a)! - at.get(b)!);
}

/**
 * Up to this share of the workloads unstable, the destinations each unstable source may reach are
 * read from the L4 engine's reverse index (`ingressAdmitting`: work in the ingress rules per
 * source); beyond it asking every destination about every unstable source costs less memory.
 */
const REVERSE_SHARE = 0.05;

/**
 * For the revision that runs second: per destination, the unstable workloads NetworkPolicy may let
 * reach it (`ctx.mayReach`), in model order. A small change has few unstable workloads, but asking
 * each of tens of thousands of destinations about each of them (candidate matching, pair by pair)
 * took 18 s at 50,000 workloads; the reverse index asks each source once.
 */
export function unstableReaching(
  ctx: RevisionContext,
  unstable: readonly Workload[],
  share = REVERSE_SHARE,
): (d: Workload) => readonly Workload[] {
  const admitting = ctx.rev.l4.ingressAdmitting?.bind(ctx.rev.l4);
  const plain = (d: Workload) => unstable.filter((s) => ctx.mayReach(s, d));
  if (!admitting || unstable.length > ctx.rev.model.workloads.length * share) return plain;
  let byDestination: Map<Workload, Workload[]> | undefined;
  return (d) => {
    if (!byDestination) {
      byDestination = new Map();
      for (const s of unstable) {
        for (const t of admitting(s)) {
          const list = byDestination.get(t);
          if (list) list.push(s);
          else byDestination.set(t, [s]);
        }
      }
    }
    // A superset by ingress alone: mayReach adds the source's egress (and leaves out d itself).
    return (byDestination.get(d) ?? []).filter((s) => ctx.mayReach(s, d));
  };
}

const unchanged = new WeakMap<RevisionContext, WeakMap<RevisionContext, (file: string) => boolean>>();

/** Where synthetic peers (istiod, kube-dns, Prometheus the repository lacks) are "located". */
const NOT_IN_REPOSITORY = '(not in the repository)';

/**
 * Whether a file of `ctx` reads as it did in `before`: the objects of it the findings name (workloads,
 * NetworkPolicies and the admin tiers, AuthorizationPolicies) are ones `before` parsed from the same
 * text, at the same line and column, as many. The parse cache hands the second revision the first
 * one's bodies only for a file whose text is the same (a changed file is parsed afresh: every body
 * in it is new), so one shared body vouches for the whole file; then every location into it is the
 * same place in both revisions and every object in it says the same. A file `before` lacks, or
 * whose text changed, is not: a document added at the top moves the lines of everything below it,
 * which fingerprints leave out. Synthetic peers' place is unchanged. Memoised per pair of revisions.
 */
export function unchangedFiles(ctx: RevisionContext, before: RevisionContext): (file: string) => boolean {
  let perCtx = unchanged.get(ctx);
  if (!perCtx) {
    perCtx = new WeakMap();
    unchanged.set(ctx, perCtx);
  }
  let found = perCtx.get(before);
  if (!found) {
    // The compiled policies' objects and the workloads': findings read those, never the model's objects.
    const byFile = (rev: RevisionContext) => {
      const out = new Map<string, K8sObject[]>();
      const add = (o: K8sObject) => {
        const at = out.get(o.location.file);
        if (at) at.push(o);
        else out.set(o.location.file, [o]);
      };
      for (const w of rev.rev.model.workloads) add(w.object);
      for (const o of rev.rev.policies.networkPolicies.objects.values()) add(o);
      for (const { object } of rev.authz) add(object);
      return out;
    };
    const [now, then] = [byFile(ctx), byFile(before)];
    const same = new Set<string>();
    for (const [file, objects] of now) {
      const old = then.get(file);
      if (!old || old.length !== objects.length) continue;
      const bodies = new Map<unknown, K8sObject[]>();
      for (const o of old) bodies.set(o.body, [...(bodies.get(o.body) ?? []), o]);
      if (objects.every((o) => bodies.get(o.body)?.some((b) => sameObject(o, b)))) same.add(file);
    }
    found = (file) => file === NOT_IN_REPOSITORY || same.has(file);
    perCtx.set(before, found);
  }
  return found;
}

/** The same parsed object at the same place (revision labels aside). */
export function sameObject(a: K8sObject, b: K8sObject): boolean {
  return (
    a.body === b.body &&
    a.kind === b.kind &&
    a.namespace === b.namespace &&
    a.name === b.name &&
    samePlace(a.location, b.location)
  );
}

function samePlace(a: SourceLocation, b: SourceLocation): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}

/**
 * Per-workload rules (one workload and a few fixed peers: istiod, kube-dns, Prometheus) carried
 * whole from the revision that ran first: a workload's findings there are its findings here when
 *  - the rule's other inputs (`inputs`: its peers' ids and fingerprints, mesh-wide settings) are equal,
 *  - the workload is stable (same id and matrix fingerprint: its verdicts with every stable peer,
 *    the policies that select it by name and content, its sidecar), and read from the same object at
 *    the same place (what fingerprints leave out: labels no selector reads, annotations, its line),
 *  - and every location the findings name is in an unchanged file (`unchangedFiles`), so the
 *    policies they name sit where they sat.
 * Then the findings are the first revision's, with their locations relabelled to this revision.
 */
export interface WorkloadCarry {
  /** The workload's findings carried, or undefined: compute them (and `record` them). */
  carried(w: Workload): RawFinding[] | undefined;
  record(w: Workload, found: readonly RawFinding[]): void;
  /** Leaves this revision's findings for a revision that runs later. */
  finish(): void;
}

const unchangedWorkloads = new WeakMap<RevisionContext, WeakMap<RevisionContext, (w: Workload) => boolean>>();

/**
 * Whether `w` is stable against `before` (stabilityAgainst) and read from the same object at the same
 * place: then all it says is what it said there, what fingerprints leave out included (labels no
 * selector reads, metadata annotations such as policy-diff.io/ignore, its line). Memoised.
 */
export function unchangedWorkload(ctx: RevisionContext, before: RevisionContext): (w: Workload) => boolean {
  let perCtx = unchangedWorkloads.get(ctx);
  if (!perCtx) {
    perCtx = new WeakMap();
    unchangedWorkloads.set(ctx, perCtx);
  }
  let found = perCtx.get(before);
  if (!found) {
    const stability = stabilityAgainst(ctx, before);
    const old = new Map(before.rev.model.workloads.map((o) => [o.id, o]));
    const answers = new Map<Workload, boolean>();
    found = (w) => {
      let same = answers.get(w);
      if (same === undefined) {
        const o = old.get(w.id);
        same =
          o !== undefined &&
          stability.stable(w) &&
          sameObject(w.object, o.object) &&
          samePlace(w.location, o.location);
        answers.set(w, same);
      }
      return same;
    };
    perCtx.set(before, found);
  }
  return found;
}

/** A finding of the revision that ran first, as this revision's (only its locations name a revision). */
export function relabelled(f: RawFinding, label: string): RawFinding {
  return { ...f, locations: f.locations.map((l) => (l.revision === label ? l : { ...l, revision: label })) };
}

interface WorkloadRecord {
  readonly ctx: RevisionContext;
  readonly inputs: string | undefined;
  readonly found: ReadonlyMap<string, readonly RawFinding[]>;
}

export function workloadCarry(ctx: RevisionContext, tag: string, inputs: string | undefined): WorkloadCarry {
  const key = `${tag}\u0000per-workload`;
  const before = earlier<WorkloadRecord>(ctx, key);
  // Without the L7 layer a fingerprint does not cover the sidecar these rules read.
  const usable = before !== undefined && inputs !== undefined && before.inputs === inputs && ctx.matrix.hasL7;
  const found = new Map<string, readonly RawFinding[]>();
  return {
    carried(w) {
      if (!usable || !before) return undefined;
      if (!unchangedWorkload(ctx, before.ctx)(w)) return undefined;
      const list = before.found.get(w.id) ?? [];
      const same = unchangedFiles(ctx, before.ctx);
      if (!list.every((f) => f.locations.every((l) => same(l.file)))) return undefined;
      const carried = list.map((f) => relabelled(f, ctx.rev.label));
      if (carried.length) found.set(w.id, carried);
      return carried;
    },
    record(w, list) {
      if (list.length) found.set(w.id, list);
    },
    finish() {
      ctx.shared.set(key, { ctx, inputs, found } satisfies WorkloadRecord);
    },
  };
}
