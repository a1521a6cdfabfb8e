import type { Workload } from '../model/types.js';
import type { RevisionContext } from './context.js';

/**
 * Whether the workload's sidecar rests on namespace labels the input does not hold (no Namespace
 * object in it, rule C2): `injected` is then a guess, and no finding may rest on it.
 */
export const sidecarGuessed = (ctx: RevisionContext, w: Workload): boolean =>
  ctx.rev.l7.sidecar(w).unknown !== undefined;

/** A sidecar that is known to be there: injected, and not on a guess (rule C2). */
export const knownInjected = (ctx: RevisionContext, w: Workload): boolean =>
  ctx.injected(w) && !sidecarGuessed(ctx, w);
