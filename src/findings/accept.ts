import type { Acceptance } from '../config/types.js';
import { findingResources, type RawFinding, type ResourceRef, resourceId } from './types.js';

export const IGNORE_ANNOTATION = 'policy-diff.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'policy-diff.io/ignore-reason';

/** `Kind namespace/name` or `namespace/name[Kind]` (or `name[Kind]` in `default`) as `namespace/name[Kind]`. */
export function normaliseResource(text: string): string {
  const t = text.trim();
  const spaced = /^(\S+)\s+(?:([^/\s]+)\/)?(\S+)$/.exec(t);
  if (spaced) return `${spaced[2] ?? 'default'}/${spaced[3]}[${spaced[1]}]`;
  const bracket = /^(?:([^/]+)\/)?([^[]+)\[([^\]]+)\]$/.exec(t);
  if (bracket) return `${bracket[1] ?? 'default'}/${bracket[2]}[${bracket[3]}]`;
  return t;
}

function configReason(f: RawFinding, accept: readonly Acceptance[]): string | undefined {
  if (accept.length === 0) return undefined;
  const ids = new Set<string>();
  for (const r of findingResources(f)) ids.add(resourceId(r));
  for (const a of accept) {
    if (a.rule !== f.rule && a.rule !== '*') continue;
    if (a.resource !== undefined) {
      if (ids.has(normaliseResource(a.resource))) return a.reason;
      continue;
    }
    const side = (want: string | undefined, got: string | undefined) =>
      want === undefined ||
      (got !== undefined && (want === got || normaliseResource(want) === normaliseResource(got)));
    if (side(a.source, f.source) && side(a.destination, f.destination)) return a.reason;
  }
  return undefined;
}

function annotationReason(f: RawFinding): string | undefined {
  for (const r of findingResources(f)) {
    const rules = ignoredRules(r);
    if (!rules.includes(f.rule) && !rules.includes('*')) continue;
    const reason = r.annotations?.[IGNORE_REASON_ANNOTATION]?.trim();
    return `${reason || 'no reason given'} (annotation ${IGNORE_ANNOTATION} on ${resourceId(r)})`;
  }
  return undefined;
}

function ignoredRules(r: ResourceRef): string[] {
  const raw = r.annotations?.[IGNORE_ANNOTATION];
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Why a finding is accepted: `.policy-diff.yaml` findings.accept first, then a resource annotation. */
export function acceptanceReason(f: RawFinding, accept: readonly Acceptance[]): string | undefined {
  return configReason(f, accept) ?? annotationReason(f);
}
