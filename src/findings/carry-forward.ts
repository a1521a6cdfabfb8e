import { digest } from '../core/digest.js';
import { workloadPeer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import type { RevisionContext } from './context.js';

/**
 * Decisions of the pair rules carried from base to head. A rule's verdict on a pair (is there a
 * finding?) depends only on what the matrix fingerprints of its two ends say (equal fingerprints,
 * equal verdicts, candidates and sidecars) plus the rule's own input, so it is remembered in
 * `ctx.shared` under those: head asks again only where a fingerprint changed. Only the decision
 * is carried: a finding's text and lines are built from head's own objects, since fingerprints
 * leave locations out and a policy may have moved in its file.
 */
export function pairDecisionKey(
  ctx: RevisionContext,
  tag: string,
  s: Workload,
  d: Workload,
): string | undefined {
  const fs = ctx.matrix.fingerprint(workloadPeer(s));
  const fd = ctx.matrix.fingerprint(workloadPeer(d));
  return fs === undefined || fd === undefined ? undefined : `${tag}\u0000${fs}\u0000${fd}`;
}

const listKeys = new WeakMap<RevisionContext, WeakMap<readonly Workload[], string | null>>();

/**
 * What a list of workloads is to the rules: their ids (order and identity matter: which one is the
 * example, which pair is reported first) and fingerprints, digested. `undefined` when a fingerprint
 * is unknown. Memoised per context and list (the context hands out one list per named value).
 */
export function workloadsKey(ctx: RevisionContext, ws: readonly Workload[]): string | undefined {
  let perCtx = listKeys.get(ctx);
  if (!perCtx) {
    perCtx = new WeakMap();
    listKeys.set(ctx, perCtx);
  }
  let key = perCtx.get(ws);
  if (key === undefined) {
    const parts: string[] = [];
    for (const w of ws) {
      const f = ctx.matrix.fingerprint(workloadPeer(w));
      if (f === undefined) {
        parts.length = 0;
        break;
      }
      parts.push(w.id, f);
    }
    key = parts.length > 0 || ws.length === 0 ? digest(JSON.stringify(parts)) : null;
    perCtx.set(ws, key);
  }
  return key ?? undefined;
}

/** `compute()` once per key over both revisions; every time when there is no key. */
export function decided<T>(ctx: RevisionContext, key: string | undefined, compute: () => T): T {
  if (key === undefined) return compute();
  if (ctx.shared.has(key)) return ctx.shared.get(key) as T;
  const v = compute();
  ctx.shared.set(key, v);
  return v;
}
