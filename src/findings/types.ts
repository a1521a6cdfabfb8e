import type { SourceLocation } from '../core/location.js';
import type { RuleId } from './rules.js';

/** A resource a finding is about, for acceptance (`namespace/name[Kind]` or `Kind namespace/name`). */
export interface ResourceRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** `policy-diff.io/ignore*` annotations of the object (controller or pod template). */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A finding in one revision, before it is compared with the other revision. */
export interface RawFinding {
  readonly rule: RuleId;
  /**
   * What the finding is about, independent of lines: `Kind ns/name`, `src -> dst`, plus a detail
   * (port, subset) when one subject can have several. Base and head findings match on rule + subject.
   */
  readonly subject: string;
  /** The subject as the title shows it, when the subject carries a detail only for matching. */
  readonly about?: string;
  readonly message: string;
  readonly locations: readonly SourceLocation[];
  readonly source?: string;
  readonly destination?: string;
  /** Resources involved (both sides): acceptance by `resource` and by annotation looks at these. */
  readonly resources: readonly ResourceRef[];
  /**
   * More of them, after `resources`, in a list many findings share (the workloads a value like
   * `team-*` names): not copied into each (at 50,000 workloads the copies held ~300 MiB).
   */
  readonly sharedResources?: readonly ResourceRef[];
  /** Set when the finding covers members (pairs) that were each accepted on their own: why. */
  readonly acceptedReason?: string;
}

/** `resources` then `sharedResources`. */
export function* findingResources(f: RawFinding): Iterable<ResourceRef> {
  yield* f.resources;
  if (f.sharedResources) yield* f.sharedResources;
}

export function resourceId(r: ResourceRef): string {
  return `${r.namespace}/${r.name}[${r.kind}]`;
}
