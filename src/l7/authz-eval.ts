import { containsRange, type IpRange, parseCidr, rangesOverlap } from '../values/ip-range.js';
import type { ConditionModel, OperationModel, RuleModel, SourceModel, ValueField } from './authz-model.js';
import { isHttpOnlyKey } from './authz-model.js';
import { CondSet } from './cond-set.js';
import { matches, type Pattern, parsePattern } from './pattern.js';
import { RequestSet } from './request-set.js';
import { StringSet } from './string-set.js';

/** What the destination sidecar knows about one connection. */
export interface EvalContext {
  readonly chain: 'http' | 'tcp';
  /** The container port the sidecar receives on (D14). */
  readonly port: number;
  /** The peer's identity without `spiffe://` when the connection is mTLS; `undefined` for plaintext (D11). */
  readonly identity: string | undefined;
  /**
   * Some RequestAuthentication applies to the destination. Without one no JWT filter runs, so
   * request principals and `request.auth.*` are never populated: decided, not conditional (D12).
   */
  readonly jwt: boolean;
  readonly source: { readonly kind: 'pod' } | { readonly kind: 'external'; readonly range: IpRange };
  /** The local trust domain first, then its aliases (I-td). */
  readonly trustDomains: readonly string[];
  /**
   * Config `cluster.podCIDRs`: every pod address is inside them. Empty: a pod's address is unknown,
   * so a block narrower than /0 may or may not hold it (D13).
   */
  readonly podCidrs: readonly IpRange[];
}

/**
 * `allow`: the rule grants (ALLOW); `deny`: the rule takes away (DENY, and CUSTOM trigger rules).
 * Fail-safe asymmetry as in istio's generators: what cannot be represented widens the allowed side,
 * so it widens an `allow` rule and narrows a `deny` rule (and marks the answer approximate).
 */
export type RuleMode = 'allow' | 'deny';

export interface RuleResult {
  readonly requests: RequestSet;
  /** ALLOW rule with HTTP-only attributes on a TCP chain: dropped whole (D17). */
  readonly dropped: boolean;
  /** DENY/CUSTOM rule whose HTTP-only constraints were removed on a TCP chain (D17). */
  readonly widened: boolean;
  readonly approximate: boolean;
}

class Flags {
  approximate = false;
}

export function evalRule(rule: RuleModel, mode: RuleMode, ctx: EvalContext): RuleResult {
  if (ctx.chain === 'tcp' && mode === 'allow' && rule.httpOnly) {
    return { requests: RequestSet.none, dropped: true, widened: false, approximate: false };
  }
  const flags = new Flags();
  const widen = mode === 'allow';
  let cond = rule.from
    ? anyOf(
        rule.from.map((s) => sourceCond(s, ctx, widen, flags)),
        widen,
        flags,
      )
    : CondSet.all;
  for (const c of rule.when) cond = and(cond, whenCond(c, ctx, widen, flags), widen, flags);
  const to = rule.to
    ? rule.to.reduce((acc, op) => acc.union(operationSet(op, ctx, widen, flags)), RequestSet.none)
    : RequestSet.all;
  const requests = to.intersect(RequestSet.when(cond));
  return {
    requests,
    dropped: false,
    widened: ctx.chain === 'tcp' && rule.httpOnly,
    approximate: flags.approximate,
  };
}

/** Combines conditions; beyond CondSet.MAX_ATOMS, fall back to the fail-safe side. */
function and(a: CondSet, b: CondSet, widen: boolean, flags: Flags): CondSet {
  if (!a.tooWideWith(b)) return a.intersect(b);
  flags.approximate = true;
  return widen ? (a.isAll() ? b : a) : CondSet.none;
}

function anyOf(list: readonly CondSet[], widen: boolean, flags: Flags): CondSet {
  return list.reduce((acc, c) => {
    if (!acc.tooWideWith(c)) return acc.union(c);
    flags.approximate = true;
    return widen ? CondSet.all : acc;
  }, CondSet.none);
}

function atom(key: string, values: readonly string[]): CondSet {
  return CondSet.atom(
    `${key} in [${[...values].sort().join(', ')}]${key === 'remote.ip' ? REMOTE_IP_WHY : ''}`,
  );
}

/**
 * D13: the remote address is read from X-Forwarded-For (or PROXY protocol) as far as the gateway's
 * numTrustedProxies trusts it, a per-request header no manifest decides: it stays a condition.
 */
const REMOTE_IP_WHY = ' (from X-Forwarded-For per numTrustedProxies, rule D13)';

/** values AND NOT notValues, each list tested as a whole (D6). */
function field(f: ValueField, test: (values: readonly string[]) => CondSet): CondSet {
  let c = CondSet.all;
  if (f.values !== undefined) c = c.intersect(test(f.values));
  if (f.notValues !== undefined) c = c.subtract(test(f.notValues));
  return c;
}

const bool = (b: boolean): CondSet => (b ? CondSet.all : CondSet.none);

function sourceCond(s: SourceModel, ctx: EvalContext, widen: boolean, flags: Flags): CondSet {
  const http = ctx.chain === 'http';
  const parts = [
    field(s.principals, (vs) => bool(principalMatch(vs, ctx))),
    field(s.namespaces, (vs) => bool(namespaceMatch(vs, ctx))),
    field(s.ipBlocks, (vs) => ipMatch('source.ip', vs, ctx)),
    field(s.remoteIpBlocks, (vs) => atom('remote.ip', vs)),
    // HTTP-only: on a TCP chain only DENY/CUSTOM rules get here, and the constraint is removed (D17).
    http
      ? field(s.requestPrincipals, (vs) => (ctx.jwt ? atom('request.auth.principal', vs) : CondSet.none))
      : CondSet.all,
  ];
  return parts.reduce((a, b) => and(a, b, widen, flags), CondSet.all);
}

function whenCond(c: ConditionModel, ctx: EvalContext, widen: boolean, flags: Flags): CondSet {
  if (isHttpOnlyKey(c.key) && ctx.chain === 'tcp') return CondSet.all;
  const f: ValueField = { values: c.values, notValues: c.notValues };
  switch (c.key) {
    case 'destination.port':
      return field(f, (vs) => bool(vs.includes(String(ctx.port))));
    case 'source.principal':
      return field(f, (vs) => bool(principalMatch(vs, ctx)));
    case 'source.namespace':
      return field(f, (vs) => bool(namespaceMatch(vs, ctx)));
    case 'source.ip':
      return field(f, (vs) => ipMatch('source.ip', vs, ctx));
    default: {
      // D12/D15: without a RequestAuthentication the JWT attributes are absent, so no value matches.
      if (!ctx.jwt && c.key.startsWith('request.auth.')) return field(f, () => CondSet.none);
      const cond = field(f, (vs) => atom(c.key, vs));
      if (cond.atoms.length <= CondSet.MAX_ATOMS) return cond;
      flags.approximate = true;
      return bool(widen);
    }
  }
}

function operationSet(op: OperationModel, ctx: EvalContext, widen: boolean, flags: Flags): RequestSet {
  if (op.ports !== undefined && !op.ports.includes(ctx.port)) return RequestSet.none;
  if (op.notPorts?.includes(ctx.port)) return RequestSet.none;
  if (ctx.chain === 'tcp') return RequestSet.all;
  const cube = operationCube(op, widen);
  if (cube.approximate) flags.approximate = true;
  return cube.requests;
}

interface Cube {
  readonly requests: RequestSet;
  readonly approximate: boolean;
}

/** An operation's methods x hosts x paths depend only on the operation and the side it widens: built once each. */
const cubes = { allow: new WeakMap<OperationModel, Cube>(), deny: new WeakMap<OperationModel, Cube>() };

function operationCube(op: OperationModel, widen: boolean): Cube {
  const memo = widen ? cubes.allow : cubes.deny;
  let cube = memo.get(op);
  if (!cube) {
    const flags = new Flags();
    const requests = RequestSet.cube({
      methods: stringField(op.methods, false, widen, flags),
      hosts: stringField(op.hosts, true, widen, flags),
      paths: stringField(op.paths, false, widen, flags),
    });
    cube = { requests, approximate: flags.approximate };
    memo.set(op, cube);
  }
  return cube;
}

/** D8: hosts are case-insensitive, so hosts are lower-cased on both sides. */
function stringField(f: ValueField, lower: boolean, widen: boolean, flags: Flags): StringSet {
  const norm = (vs: readonly string[]) => (lower ? vs.map((v) => v.toLowerCase()) : vs);
  let set = StringSet.all;
  if (f.values !== undefined) set = patternSet(norm(f.values), widen, flags);
  if (f.notValues !== undefined) set = set.subtract(patternSet(norm(f.notValues), !widen, flags));
  return set;
}

/**
 * D21 path templates (`/a/{*}/b`, `/a/{**}`) are not in our pattern language: widened to the prefix
 * before the first `{`, or dropped when the set must not grow.
 */
function patternSet(values: readonly string[], widen: boolean, flags: Flags): StringSet {
  const kept: string[] = [];
  for (const v of values) {
    const brace = v.indexOf('{');
    if (brace < 0) {
      kept.push(v);
      continue;
    }
    flags.approximate = true;
    if (widen) kept.push(`${v.slice(0, brace)}*`);
  }
  return StringSet.of(kept);
}

/** D9 + I-td: a principal in `cluster.local` or any local trust domain matches every local one. */
export function principalMatch(values: readonly string[], ctx: EvalContext): boolean {
  return identityMatchesPrincipals(values, ctx.identity, ctx.trustDomains);
}

/** principalMatch for an identity alone (what the source key reads: source-identity.ts). */
export function identityMatchesPrincipals(
  values: readonly string[],
  id: string | undefined,
  trustDomains: readonly string[],
): boolean {
  if (id === undefined) return false;
  return values.some((v) => principalPatterns(v, trustDomains).some((p) => matches(p, id)));
}

const principalPatternCache = new Map<string, readonly Pattern[]>();

/** The patterns a principal value stands for (every local trust domain), parsed once per value. */
function principalPatterns(value: string, tds: readonly string[]): readonly Pattern[] {
  const key = `${value}\u0000${tds.join('\u0000')}`;
  let found = principalPatternCache.get(key);
  if (!found) {
    found = expandTrustDomain(value, tds).map(parsePattern);
    principalPatternCache.set(key, found);
  }
  return found;
}

function expandTrustDomain(principal: string, tds: readonly string[]): string[] {
  const parts = principal.split('/');
  if (parts.length !== 5 || parts[0] === '*') return [principal];
  const td = parts[0]!;
  if (td !== 'cluster.local' && !tds.includes(td)) return [principal];
  return tds.map((t) => [t, ...parts.slice(1)].join('/'));
}

// D10: the regex `.*` + `/ns/<value>/` + `.*` (with `*` read as `.*`) against the certificate's principal.
export function namespaceMatch(values: readonly string[], ctx: EvalContext): boolean {
  return identityMatchesNamespaces(values, ctx.identity);
}

/** namespaceMatch for an identity alone (what the source key reads: source-identity.ts). */
export function identityMatchesNamespaces(values: readonly string[], id: string | undefined): boolean {
  if (id === undefined) return false;
  return values.some((v) => namespaceRegExp(v).test(id));
}

const namespaceRegExps = new Map<string, RegExp>();

function namespaceRegExp(value: string): RegExp {
  let re = namespaceRegExps.get(value);
  if (!re) {
    const body = value
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^.*/ns/${body}/.*$`);
    namespaceRegExps.set(value, re);
  }
  return re;
}

/** D13: the direct peer address. External peers are ranges cut at every block boundary. */
function ipMatch(key: string, values: readonly string[], ctx: EvalContext): CondSet {
  const blocks = values.flatMap((v) => {
    try {
      return [parseCidr(v)];
    } catch {
      return [];
    }
  });
  const src = ctx.source;
  if (src.kind === 'external') {
    if (blocks.some((b) => containsRange(b, src.range))) return CondSet.all;
    if (!blocks.some((b) => rangesOverlap(b, src.range))) return CondSet.none;
    return atom(key, values);
  }
  // Envoy matches the pod's real address, which the manifests do not hold. A /0 block holds every
  // pod address of its family; the cluster's pod CIDRs, when configured, decide the rest: blocks
  // that cover every pod range match every pod, blocks disjoint from them match none.
  if (
    blocks.some((b) => b.from === 0n && (b.family === 4 ? b.to === 0xffffffffn : b.to === (1n << 128n) - 1n))
  ) {
    return CondSet.all;
  }
  const pods = ctx.podCidrs;
  if (pods.length > 0) {
    if (pods.every((p) => covered(p, blocks))) return CondSet.all;
    if (!pods.some((p) => blocks.some((b) => rangesOverlap(b, p)))) return CondSet.none;
  }
  return atom(key, values);
}

/** Whether the blocks between them hold every address of `range`. */
function covered(range: IpRange, blocks: readonly IpRange[]): boolean {
  const parts = blocks.filter((b) => rangesOverlap(b, range)).sort((a, b) => (a.from < b.from ? -1 : 1));
  let next = range.from;
  for (const b of parts) {
    if (b.from > next) return false;
    if (b.to >= next) next = b.to + 1n;
    if (next > range.to) return true;
  }
  return false;
}
