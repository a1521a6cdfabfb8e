import { type Issue, Issues, readElement, readList, readStruct, show } from '../core/decode.js';
import type { PolicyRef, RuleRef } from '../core/refs.js';
import type { K8sObject, ObjectPath } from '../manifests/types.js';
import type { IpRange } from '../values/ip-range.js';
import type { LabelSelectorMatcher, SelectorCompiler } from './label-selector.js';
import { compilePeers, type PeerContext, type PeerMatcher } from './peer-matcher.js';
import { compilePorts, type PortMatcher } from './port-matcher.js';

export type Direction = 'ingress' | 'egress';

/** One rule: it allows `ports` toward/from `peers` (A7: peers AND ports). */
export interface CompiledRule {
  readonly ref: RuleRef;
  readonly peers: PeerMatcher;
  readonly ports: PortMatcher;
}

/** A valid policy with defaults applied (A1, A2): ready to evaluate, never re-read. */
export interface CompiledPolicy {
  readonly ref: PolicyRef;
  readonly podSelector: LabelSelectorMatcher;
  /** `null` when the policy does not cover the direction (A3); `[]` isolates and allows nothing (A8). */
  readonly ingress: readonly CompiledRule[] | null;
  readonly egress: readonly CompiledRule[] | null;
  readonly namedPorts: readonly string[];
  readonly boundaries: readonly IpRange[];
  /** What the ipBlocks of each direction's rules match, in contiguous pieces (connlist ranges). */
  readonly pieces: Readonly<Record<Direction, readonly IpRange[]>>;
}

/**
 * A policy the API server would reject: never enforced, but its author meant something, so every
 * pod it might select is uncertain in the directions it might cover.
 */
export interface InvalidPolicy {
  readonly ref: PolicyRef;
  /** `undefined` when the podSelector itself is invalid: every pod of the namespace is suspect. */
  readonly podSelector: LabelSelectorMatcher | undefined;
  readonly ingress: boolean;
  readonly egress: boolean;
  readonly issues: readonly Issue[];
}

export type PolicyCompilation =
  | { readonly valid: true; readonly policy: CompiledPolicy }
  | { readonly valid: false; readonly policy: InvalidPolicy };

export interface CompileContext {
  readonly selectors: SelectorCompiler;
  readonly ipBlockMatchesPods: boolean;
}

const SPEC_FIELDS = ['podSelector', 'ingress', 'egress', 'policyTypes'];
const POLICY_TYPES = ['Ingress', 'Egress'] as const;

export function policyRef(object: K8sObject): PolicyRef {
  const namespace = object.namespace;
  return { kind: 'NetworkPolicy', namespace, name: object.name, location: object.location };
}

export function compileNetworkPolicy(object: K8sObject, ctx: CompileContext): PolicyCompilation {
  const ref = policyRef(object);
  const issues = new Issues();
  const body = object.body;
  const spec = readStruct(body.spec, ['spec'], issues, SPEC_FIELDS) ?? {};
  // A1: podSelector is a non-pointer struct, so absent or null means `{}` (every pod).
  const podSelector = ctx.selectors.compile(spec.podSelector ?? {}, ['spec', 'podSelector'], issues);
  const types = readPolicyTypes(spec, issues);
  const peerCtx: PeerContext = { namespace: ref.namespace, ...ctx };
  const boundaries: IpRange[] = [];
  const pieces: Record<Direction, IpRange[]> = { ingress: [], egress: [] };
  const rules = (direction: Direction) =>
    compileRules(object, ref, direction, spec[direction], issues, peerCtx, boundaries, pieces[direction]);
  const ingress = rules('ingress');
  const egress = rules('egress');
  if (issues.count > 0 || !podSelector) {
    const policy: InvalidPolicy = { ref, podSelector, ...types, issues: issues.items };
    return { valid: false, policy };
  }
  const namedPorts = [...ingress, ...egress].flatMap((r) => r.ports.namedPorts);
  const policy: CompiledPolicy = {
    ref,
    podSelector,
    ingress: types.ingress ? ingress : null,
    egress: types.egress ? egress : null,
    namedPorts: [...new Set(namedPorts)],
    boundaries,
    pieces: { ingress: types.ingress ? pieces.ingress : [], egress: types.egress ? pieces.egress : [] },
  };
  return { valid: true, policy };
}

/**
 * A2: when `policyTypes` is empty, it defaults to Ingress, plus Egress only if `egress` has at
 * least one rule, so `egress: []` alone isolates nothing. When the list itself is invalid the
 * intended directions are unknown: both are reported (only used for uncertainty).
 */
function readPolicyTypes(
  spec: Readonly<Record<string, unknown>>,
  issues: Issues,
): Record<Direction, boolean> {
  const before = issues.count;
  const list = readList(spec.policyTypes, ['spec', 'policyTypes'], issues) ?? [];
  if (list.length > POLICY_TYPES.length) {
    issues.add(['spec', 'policyTypes'], `may not list more than ${POLICY_TYPES.length} policy types`);
  }
  list.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t as (typeof POLICY_TYPES)[number])) {
      issues.add(['spec', 'policyTypes', i], `unsupported policy type ${show(t)}: must be Ingress or Egress`);
    }
  });
  if (issues.count > before) return { ingress: true, egress: true };
  if (list.length > 0) return { ingress: list.includes('Ingress'), egress: list.includes('Egress') };
  const egress = spec.egress;
  const hasEgressRules = Array.isArray(egress) ? egress.length > 0 : egress !== undefined && egress !== null;
  return { ingress: true, egress: hasEgressRules };
}

/** A8: `ingress`/`egress` missing or `[]` gives no rules (isolation only). */
function compileRules(
  object: K8sObject,
  policy: PolicyRef,
  direction: Direction,
  raw: unknown,
  issues: Issues,
  ctx: PeerContext,
  boundaries: IpRange[],
  pieces: IpRange[],
): CompiledRule[] {
  const path: ObjectPath = ['spec', direction];
  const peerField = direction === 'ingress' ? 'from' : 'to';
  return (readList(raw, path, issues) ?? []).flatMap((item, i) => {
    const rulePath = [...path, i];
    // `ingress: [{}]` (or `[null]`): every peer on every port (A8).
    const rule = readElement(item, rulePath, issues, [peerField, 'ports']);
    if (!rule) return [];
    const peers = compilePeers(rule[peerField], [...rulePath, peerField], issues, ctx);
    boundaries.push(...peers.boundaries);
    pieces.push(...peers.pieces);
    const ports = compilePorts(rule.ports, [...rulePath, 'ports'], issues);
    const ref: RuleRef = { policy, rule: `${direction}[${i}]`, location: object.locate(rulePath) };
    return [{ ref, peers: peers.matcher, ports }];
  });
}
