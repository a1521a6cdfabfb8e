import type { Workload } from '../model/types.js';
import type { RevisionContext } from './context.js';

const INJECTED = 1;
const GUESSED = 2;
const HOST_NETWORK = 4;

// The rules ask these for every pair they walk: the engine's answer (a lookup by id, then its
// fields) is read once per workload of the model, and kept as bits on the workload object.
const kinds = new WeakMap<RevisionContext, Map<Workload, number>>();

function kindOf(ctx: RevisionContext, w: Workload): number {
  let perCtx = kinds.get(ctx);
  if (!perCtx) {
    perCtx = new Map(ctx.rev.model.workloads.map((m) => [m, bits(ctx, m)]));
    kinds.set(ctx, perCtx);
  }
  // A workload outside the model (a synthetic peer) is asked directly.
  return perCtx.get(w) ?? bits(ctx, w);
}

function bits(ctx: RevisionContext, w: Workload): number {
  return (
    (ctx.injected(w) ? INJECTED : 0) |
    (ctx.rev.l7.sidecar(w).unknown !== undefined ? GUESSED : 0) |
    (w.hostNetwork ? HOST_NETWORK : 0)
  );
}

/**
 * Whether the workload's sidecar rests on namespace labels the input does not hold (no Namespace
 * object in it, rule C2): `injected` is then a guess, and no finding may rest on it.
 */
export const sidecarGuessed = (ctx: RevisionContext, w: Workload): boolean =>
  (kindOf(ctx, w) & GUESSED) !== 0;

/** A sidecar that is known to be there: injected, and not on a guess (rule C2). */
export const knownInjected = (ctx: RevisionContext, w: Workload): boolean =>
  (kindOf(ctx, w) & (INJECTED | GUESSED)) === INJECTED;

/**
 * No sidecar, and that is known: a workload whose namespace is not in the input (another target's,
 * or created outside the repository) may well have one (rule C2), so no finding rests on it.
 */
export const knownBare = (ctx: RevisionContext, w: Workload): boolean =>
  (kindOf(ctx, w) & (INJECTED | GUESSED | HOST_NETWORK)) === 0;
