import type { Cause, Finding, PathChange } from './types.js';

/**
 * How risky a change is, for ordering what a reviewer reads first (the headline's worst change,
 * the summary table, the order of cause groups). A score is a sum of named factors, each with a
 * fixed weight, so the order is explainable ("from outside the cluster, all ports") and
 * deterministic: ties keep the report's order (destination namespace, destination, source).
 *
 * Changes that let more through weigh more than those that let less through: an opening can be
 * an exposure; a closing is at worst an outage the owner notices. Exposure factors therefore
 * apply only to gaining changes (opened, widened); closings rank by class, sensitivity and breadth.
 */
export type RiskFactor =
  | 'outside'
  | 'internet'
  | 'toOutside'
  | 'allPorts'
  | 'allRequests'
  | 'mtlsLost'
  | 'crossNamespace'
  | 'sensitive'
  | 'uncertain'
  | 'manyNamespaces'
  | 'newError';

/** What a factor means, worded for a reader ("from outside the cluster"). */
export const RISK_FACTOR_TEXT: Record<RiskFactor, string> = {
  outside: 'from outside the cluster',
  internet: 'from any address (0.0.0.0/0)',
  toOutside: 'to outside the cluster',
  allPorts: 'all ports',
  allRequests: 'all methods and paths',
  mtlsLost: 'mTLS no longer required',
  crossNamespace: 'across namespaces',
  sensitive: 'sensitive workload',
  uncertain: 'uncertain',
  manyNamespaces: 'peers in 3 or more namespaces',
  newError: 'new error',
};

const WEIGHT: Record<RiskFactor, number> = {
  outside: 40,
  internet: 10,
  toOutside: 15,
  allPorts: 20,
  allRequests: 20,
  mtlsLost: 30,
  crossNamespace: 10,
  sensitive: 50,
  uncertain: 5,
  manyNamespaces: 15,
  newError: 45,
};

/** The reading of a change the report's readers share: what it gained or lost, and how. */
export type ChangeClass = 'opened' | 'widened' | 'closed' | 'narrowed' | 'changed';

/** Gaining classes first; the order sections and the headline use. */
export const CHANGE_CLASSES: readonly ChangeClass[] = ['opened', 'widened', 'closed', 'narrowed', 'changed'];

const CLASS_BASE: Record<ChangeClass, number> = {
  opened: 20,
  widened: 15,
  closed: 10,
  changed: 8,
  narrowed: 5,
};

/** Opened and widened changes let more through; they are what a reviewer must check. */
export function isGaining(k: ChangeClass): boolean {
  return k === 'opened' || k === 'widened';
}

/**
 * `widened`: a changed pair that only gained (connections or L7 scope); `narrowed`: one that only
 * lost; `changed`: both ways.
 */
export function changeClass(c: PathChange): ChangeClass {
  if (c.kind !== 'changed') return c.kind;
  const l7 = c.l7Change;
  const gained = c.added !== '' || l7 === 'widened' || l7 === 'changed';
  const lost = c.removed !== '' || l7 === 'narrowed' || l7 === 'changed';
  if (gained && !lost) return 'widened';
  if (lost && !gained) return 'narrowed';
  return 'changed';
}

/** What makes a workload sensitive (config `report`): its changes rank higher. */
export interface RiskOptions {
  /** Namespace names; a change to (or, for egress, from) a workload there is sensitive. */
  readonly sensitiveNamespaces?: readonly string[];
  /** `namespace/name` patterns (`*` matches within a segment), e.g. `payments/*`, `*\/postgres`. */
  readonly sensitiveWorkloads?: readonly string[];
}

export interface Risk {
  readonly score: number;
  /** In the order of RISK_FACTOR_TEXT's keys: a stable reading. */
  readonly factors: readonly RiskFactor[];
}

const FACTOR_ORDER = Object.keys(WEIGHT) as RiskFactor[];

function risk(base: number, factors: ReadonlySet<RiskFactor>): Risk {
  const ordered = FACTOR_ORDER.filter((f) => factors.has(f));
  return { score: ordered.reduce((s, f) => s + WEIGHT[f], base), factors: ordered };
}

/** The external peer that stands for every IPv4 or IPv6 address. */
const INTERNET = new Set([
  '0.0.0.0-255.255.255.255[External]',
  '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[External]',
]);

/**
 * A path from outside the cluster: the diff marks it (`fromOutside`: a Gateway route, a
 * NodePort/LoadBalancer Service, an admitted address range); an external or ingress source counts
 * too, for reports built before that mark.
 */
function fromOutside(c: PathChange): boolean {
  return c.fromOutside !== undefined || c.source.kind !== 'workload';
}

/** The risk of one change (see the module comment for the factors). */
export function changeRisk(c: PathChange, options: RiskOptions = {}): Risk {
  const k = changeClass(c);
  const f = new Set<RiskFactor>();
  if (isGaining(k)) {
    if (fromOutside(c)) f.add('outside');
    if (INTERNET.has(c.source.id)) f.add('internet');
    if (c.destination.kind !== 'workload') f.add('toOutside');
    if (c.added === 'All Connections') f.add('allPorts');
    if (count(c.l7After, ': all requests') > count(c.l7Before, ': all requests')) f.add('allRequests');
    if (c.causes.some(isMtlsDenial)) f.add('mtlsLost');
  } else if (k === 'closed' && c.removed === 'All Connections') f.add('allPorts');
  const src = c.source.namespace;
  const dst = c.destination.namespace;
  if (src !== undefined && dst !== undefined && src !== dst) f.add('crossNamespace');
  if (
    isSensitive(c.destination, options) ||
    (c.destination.kind !== 'workload' && isSensitive(c.source, options))
  )
    f.add('sensitive');
  if (c.uncertain) f.add('uncertain');
  return risk(CLASS_BASE[k], f);
}

/**
 * A base-side denial by mTLS that no longer holds: STRICT rejected a plaintext client in base
 * (PeerAuthentication, E5/E7) and the pair now gets through, so mTLS stopped being required.
 */
function isMtlsDenial(c: Cause): boolean {
  // Only STRICT's rejection of plaintext: other PeerAuthentication reasons (a PERMISSIVE port whose
  // plaintext has no identity for an AuthorizationPolicy, D11) are about identities, not transport.
  return c.revision === 'base' && c.effect === 'denies' && /^PeerAuthentication [^:]*: STRICT\b/.test(c.rule);
}

function count(text: string | undefined, needle: string): number {
  return text ? text.split(needle).length - 1 : 0;
}

function isSensitive(p: PathChange['source'], options: RiskOptions): boolean {
  if (p.namespace === undefined) return false;
  if (options.sensitiveNamespaces?.includes(p.namespace)) return true;
  const name = p.id.replace(/\[[^\]]*\]$/, '');
  return (options.sensitiveWorkloads ?? []).some((pattern) => globMatch(pattern, name));
}

/** `*` matches any run of characters other than `/`; everything else is literal. */
export function globMatch(pattern: string, text: string): boolean {
  const re = pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${re.join('[^/]*')}$`).test(text);
}

/** A new error finding ranks with openings from outside; new warnings below every opening. */
export function findingRisk(f: Finding): Risk {
  if (f.status !== 'new') return risk(0, new Set());
  return f.severity === 'error'
    ? risk(0, new Set(['newError']))
    : risk(f.severity === 'warning' ? 6 : 1, new Set());
}

/**
 * The risk of changes read together (a cause group): its riskiest change, plus breadth when it
 * reaches sources or destinations in three or more namespaces (or outside and two more).
 */
export function groupRisk(members: readonly Risk[], peers: readonly PathChange['source'][]): Risk {
  const top = members.reduce<Risk | undefined>(
    (a, b) => (a === undefined || b.score > a.score ? b : a),
    undefined,
  );
  const f = new Set(top?.factors ?? []);
  const namespaces = new Set(peers.map((p) => p.namespace ?? '(external)'));
  if (namespaces.size >= 3) f.add('manyNamespaces');
  const base = (top?.score ?? 0) - (top?.factors ?? []).reduce((s, x) => s + WEIGHT[x], 0);
  return risk(base, f);
}

/** Highest score first; equal scores keep the input order (sort is stable). */
export function byRisk<T>(items: readonly T[], riskOf: (t: T) => Risk): T[] {
  const scored = items.map((item, i) => ({ item, i, score: riskOf(item).score }));
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.map((s) => s.item);
}
