import type { Cause, PathChange } from '../report/types.js';

/** Where a path that head allows more than base can be pointed at in head, and who to name. */
export interface OpeningPlace {
  readonly cause: Cause;
  /** `NetworkPolicy shop/x ingress[0]`, or the policy that no longer denies (`PeerAuthentication shop/default`). */
  readonly name: string;
  /** The policy stopped denying (an mTLS downgrade): not a rule that allows. */
  readonly lifted: boolean;
}

/** `PeerAuthentication shop/default: STRICT mTLS rejects ...` -> `PeerAuthentication shop/default`. */
function policyOf(rule: string): string {
  return rule.split(':')[0]!.trim();
}

/**
 * The head rules that allow the new part, and the head side of each policy that denied it in
 * base (STRICT -> PERMISSIVE: the PeerAuthentication's change is what opened the path, and its
 * line at head is where a reviewer fixes it).
 */
export function openingPlaces(c: PathChange): OpeningPlace[] {
  const out: OpeningPlace[] = c.causes
    .filter((x) => x.effect === 'allows' && x.revision === 'head')
    .map((cause) => ({ cause, name: cause.rule, lifted: false }));
  const lifted = new Set(
    c.causes.filter((x) => x.effect === 'denies' && x.revision === 'base').map((x) => policyOf(x.rule)),
  );
  const seen = new Set<string>();
  for (const cause of c.causes) {
    if (cause.revision !== 'head' || cause.effect === 'allows') continue;
    const name = policyOf(cause.rule);
    if (!lifted.has(name) || seen.has(name)) continue;
    seen.add(name);
    out.unshift({ cause, name, lifted: true });
  }
  return out;
}
