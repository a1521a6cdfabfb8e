import {
  type Issue,
  Issues,
  readElement,
  readEnum,
  readInteger,
  readList,
  readStruct,
} from '../core/decode.js';
import type { PolicyRef, RuleRef } from '../core/refs.js';
import type { K8sObject, Labels, ObjectPath } from '../manifests/types.js';
import { ConnSet } from '../values/conn-set.js';
import type { IpRange } from '../values/ip-range.js';
import { compileAdminPeers } from './anp-peers.js';
import { compileAdminPorts } from './anp-ports.js';
import type { LabelSelectorMatcher, SelectorCompiler } from './label-selector.js';
import type { Direction } from './netpol-compile.js';
import type { PeerMatcher } from './peer-matcher.js';
import type { PortMatcher } from './port-matcher.js';

/**
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1,
 * SEMANTICS B), decoded strictly against the NPA types and compiled once into matchers.
 */

export type AdminTier = 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
export type AdminAction = 'Allow' | 'Deny' | 'Pass';

export const ADMIN_API = 'policy.networking.k8s.io/v1alpha1';

/** One rule: the first rule (in order) whose peers and ports match decides (B2, B4). */
export interface AdminRule {
  readonly ref: RuleRef;
  readonly action: AdminAction;
  readonly peers: PeerMatcher;
  readonly ports: PortMatcher;
}

/** `subject`: exactly one of `namespaces` (every pod there) or `pods` (namespaceSelector AND podSelector). */
export interface AdminSubject {
  readonly namespaces: LabelSelectorMatcher;
  /** Absent for a `namespaces` subject. */
  readonly pods?: LabelSelectorMatcher;
}

export interface AdminPolicy {
  readonly ref: PolicyRef;
  readonly tier: AdminTier;
  /** 0-1000, lower first (B1); a BANP has none (-1). */
  readonly priority: number;
  readonly subject: AdminSubject;
  readonly ingress: readonly AdminRule[];
  readonly egress: readonly AdminRule[];
  /**
   * Directions with a rule this engine does not fully understand (a peer type of a later version):
   * the rule fails closed as NPA says (B5), and the pods it applies to are uncertain.
   */
  readonly unsure: Readonly<Record<Direction, boolean>>;
  readonly namedPorts: readonly string[];
  /** The egress `networks` pieces, to cut the external destinations. */
  readonly boundaries: readonly IpRange[];
}

/** Whether the subject selects a pod (hostNetwork pods are never subjects, B5: the caller checks). */
export function subjectSelects(s: AdminSubject, namespaceLabels: Labels, podLabels: Labels): boolean {
  return s.namespaces.matches(namespaceLabels) && (s.pods?.matches(podLabels) ?? true);
}

export interface AdminCompilation {
  /** `undefined` when the API server would reject the object (then `issues` say why). */
  readonly policy: AdminPolicy | undefined;
  readonly ref: PolicyRef;
  /** A decodable subject even when the policy is invalid, to tell which pods are uncertain. */
  readonly subject: AdminSubject | undefined;
  readonly issues: readonly Issue[];
  /** Not rejected, but not fully understood either (fail closed, B5). */
  readonly unsureIssues: readonly Issue[];
}

const ANP_SPEC = ['priority', 'subject', 'ingress', 'egress'];
const BANP_SPEC = ['subject', 'ingress', 'egress'];
const ANP_ACTIONS: readonly AdminAction[] = ['Allow', 'Deny', 'Pass'];
const BANP_ACTIONS: readonly AdminAction[] = ['Allow', 'Deny'];
const MAX_RULES = 100;

export function adminRef(object: K8sObject): PolicyRef {
  return { kind: object.kind, namespace: '', name: object.name, location: object.location };
}

export function compileAdminPolicy(object: K8sObject, selectors: SelectorCompiler): AdminCompilation {
  const tier = object.kind as AdminTier;
  const baseline = tier === 'BaselineAdminNetworkPolicy';
  const ref = adminRef(object);
  const issues = new Issues({ suggest: true });
  const unsure = new Issues({ suggest: true });
  if (object.apiVersion !== ADMIN_API) {
    issues.add(
      ['apiVersion'],
      `apiVersion "${object.apiVersion}" is not modelled for ${tier}; use ${ADMIN_API}`,
    );
  }
  const spec = readStruct(object.body.spec, ['spec'], issues, baseline ? BANP_SPEC : ANP_SPEC);
  if (!spec) issues.add(['spec'], 'spec is required');
  const s = spec ?? {};
  let priority = -1;
  if (!baseline) {
    const p = readInteger(s.priority, ['spec', 'priority'], issues);
    if (p === undefined && (s.priority === undefined || s.priority === null))
      issues.add(['spec', 'priority'], 'priority is required');
    else if (p !== undefined && (p < 0 || p > 1000))
      issues.add(['spec', 'priority'], `priority ${p} must be between 0 and 1000`);
    priority = p ?? -1;
  }
  const subject = compileSubject(s.subject, ['spec', 'subject'], issues, selectors);
  const ctx: RuleContext = {
    object,
    ref,
    issues,
    unsure,
    selectors,
    actions: baseline ? BANP_ACTIONS : ANP_ACTIONS,
  };
  const boundaries: IpRange[] = [];
  const namedPorts: string[] = [];
  const ingress = compileRules(ctx, 'ingress', s.ingress, boundaries, namedPorts);
  const egress = compileRules(ctx, 'egress', s.egress, boundaries, namedPorts);
  if (issues.count > 0 || !subject) {
    return { policy: undefined, ref, subject, issues: issues.items, unsureIssues: unsure.items };
  }
  const policy: AdminPolicy = {
    ref,
    tier,
    priority,
    subject,
    ingress: ingress.rules,
    egress: egress.rules,
    unsure: { ingress: ingress.unsureSeen, egress: egress.unsureSeen },
    namedPorts: [...new Set(namedPorts)],
    boundaries,
  };
  return { policy, ref, subject, issues: [], unsureIssues: unsure.items };
}

function compileSubject(
  raw: unknown,
  path: ObjectPath,
  issues: Issues,
  selectors: SelectorCompiler,
): AdminSubject | undefined {
  const subject = readStruct(raw, path, issues, ['namespaces', 'pods']);
  if (!subject) {
    issues.add(path, 'subject is required');
    return undefined;
  }
  const set = ['namespaces', 'pods'].filter((f) => subject[f] !== undefined && subject[f] !== null);
  if (set.length !== 1) {
    issues.add(path, 'exactly one of namespaces or pods must be set');
    return undefined;
  }
  if (set[0] === 'namespaces') {
    const namespaces = selectors.compile(subject.namespaces, [...path, 'namespaces'], issues);
    return namespaces ? { namespaces } : undefined;
  }
  const pods = compileNamespacedPod(subject.pods, [...path, 'pods'], issues, selectors);
  return pods ? { namespaces: pods.namespaceSelector, pods: pods.podSelector } : undefined;
}

/** NamespacedPod: both selectors are required non-pointer structs (`{}` selects every one). */
export function compileNamespacedPod(
  raw: unknown,
  path: ObjectPath,
  issues: Issues,
  selectors: SelectorCompiler,
): { namespaceSelector: LabelSelectorMatcher; podSelector: LabelSelectorMatcher } | undefined {
  const pod = readStruct(raw, path, issues, ['namespaceSelector', 'podSelector']);
  if (!pod) return undefined;
  for (const field of ['namespaceSelector', 'podSelector']) {
    if (pod[field] === undefined) issues.add([...path, field], `${field} is required`);
  }
  const namespaceSelector = selectors.compile(
    pod.namespaceSelector ?? {},
    [...path, 'namespaceSelector'],
    issues,
  );
  const podSelector = selectors.compile(pod.podSelector ?? {}, [...path, 'podSelector'], issues);
  return namespaceSelector && podSelector ? { namespaceSelector, podSelector } : undefined;
}

export interface RuleContext {
  readonly object: K8sObject;
  readonly ref: PolicyRef;
  readonly issues: Issues;
  readonly unsure: Issues;
  readonly selectors: SelectorCompiler;
  readonly actions: readonly AdminAction[];
}

function compileRules(
  ctx: RuleContext,
  direction: Direction,
  raw: unknown,
  boundaries: IpRange[],
  namedPorts: string[],
): { rules: AdminRule[]; unsureSeen: boolean } {
  const path: ObjectPath = ['spec', direction];
  const list = readList(raw, path, ctx.issues) ?? [];
  if (list.length > MAX_RULES) ctx.issues.add(path, `may not have more than ${MAX_RULES} rules`);
  const peerField = direction === 'ingress' ? 'from' : 'to';
  const unsureBefore = ctx.unsure.count;
  const rules = list.flatMap((item, i): AdminRule[] => {
    const rulePath = [...path, i];
    const rule = readElement(item, rulePath, ctx.issues, ['name', 'action', peerField, 'ports']);
    if (!rule) return [];
    if (typeof rule.name === 'string' && rule.name.length > 100)
      ctx.issues.add([...rulePath, 'name'], 'name may not be longer than 100 characters');
    else if (rule.name !== undefined && typeof rule.name !== 'string')
      ctx.issues.add([...rulePath, 'name'], 'must be a string');
    const action = readEnum(rule.action, [...rulePath, 'action'], ctx.issues, ctx.actions);
    if (rule.action === undefined || rule.action === null)
      ctx.issues.add([...rulePath, 'action'], 'action is required');
    const peers = compileAdminPeers(rule[peerField], [...rulePath, peerField], direction, ctx);
    const ports = compileAdminPorts(rule.ports, [...rulePath, 'ports'], ctx.issues);
    if (ports.namedPorts.length > 0 && peers.addressPeers)
      ctx.issues.add([...rulePath, 'ports'], 'networks/nodes peers cannot be set with namedPorts');
    if (!action) return [];
    boundaries.push(...peers.boundaries);
    namedPorts.push(...ports.namedPorts);
    const ref: RuleRef = {
      policy: ctx.ref,
      rule: `${direction}[${i}]`,
      location: ctx.object.locate(rulePath),
    };
    // B5: a peer this engine does not know fails closed: Allow matches nothing, Deny/Pass everything.
    const matcher = peers.unknown ? (action === 'Allow' ? peers.matcher : ANY) : peers.matcher;
    return [{ ref, action, peers: matcher, ports: peers.unknown && action !== 'Allow' ? ALL_PORTS : ports }];
  });
  return { rules, unsureSeen: ctx.unsure.count > unsureBefore };
}

const ANY: PeerMatcher = { matches: () => true, podNamespaces: () => 'all' };
const ALL_PORTS: PortMatcher = { resolve: () => ConnSet.all, namedPorts: [] };
