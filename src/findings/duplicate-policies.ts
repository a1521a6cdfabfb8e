import type { K8sObject } from '../manifests/types.js';
import { objectResource, type RevisionContext } from './context.js';
import type { RawFinding } from './types.js';

/** Kinds whose effect is their spec in their namespace: two with one spec act as one (A4, D4). */
const KINDS = ['NetworkPolicy', 'AuthorizationPolicy'] as const;

/** JSON with keys sorted, so two files that order fields differently still compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * duplicate-policy (info): policies of one kind in one namespace with the same spec under
 * different names (a file copied, an overlay adding what the base has). They change nothing
 * (policies add up, A4; an identical rule adds nothing), but one edited later will silently keep
 * the other's effect. Across namespaces the same spec is the usual per-namespace pattern: not reported.
 */
export function duplicatePolicyFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  for (const kind of KINDS) {
    const groups = new Map<string, K8sObject[]>();
    for (const o of ctx.rev.model.objectsByKind.get(kind) ?? []) {
      const key = `${o.namespace}\u0000${canonical(o.body.spec ?? null)}`;
      groups.set(key, [...(groups.get(key) ?? []), o]);
    }
    for (const same of groups.values()) {
      if (same.length < 2) continue;
      const sorted = [...same].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const ns = sorted[0]!.namespace;
      const where = sorted.map((o) => `${o.name} (${o.location.file}:${o.location.line})`).join(', ');
      out.push({
        rule: 'duplicate-policy',
        subject: `${kind} ${ns}/${sorted.map((o) => o.name).join(' = ')}`,
        message:
          `${sorted.length} ${kind.replace(/y$/, 'ie')}s in ${ns} have the same spec: ${where}. Policies add up ([rule A4](rules.md#a4)), ` +
          'so the copies change nothing today, but editing one leaves the other in force. Fix: keep one.',
        locations: sorted.map((o) => o.location),
        resources: sorted.map(objectResource),
      });
    }
  }
  return out;
}
