import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import type { ChangeKind, PathChange } from '../diff/changes.js';

// The change vocabulary is the diff's; re-exported so the report's readers keep one import.
export type { Cause, ChangeKind, L7Change, PathChange, PeerInfo } from '../diff/changes.js';

/**
 * The report: the single data structure every output (text, Markdown, JSON, the PR comment,
 * annotations, the check's verdict) is rendered from. Plain data, JSON-serialisable, sorted.
 */
export interface Report {
  readonly tool: { readonly name: 'policy-diff'; readonly version: string };
  readonly base: RevisionInfo;
  readonly head: RevisionInfo;
  /** Which layer the paths were computed at. */
  readonly layer: Layer;
  readonly summary: ReportSummary;
  /** Opened, closed and changed paths, sorted by destination namespace, destination, source. */
  readonly changes: readonly PathChange[];
  /**
   * Pairs of workloads that changed but are not in `changes`, by kind: present only when a change
   * was too big to list pair by pair. The summary counts include them.
   */
  readonly omitted?: Readonly<Record<ChangeKind, number>>;
  readonly workloads: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly findings: readonly Finding[];
  /** Sorted; errors make the report incomplete. */
  readonly diagnostics: readonly Diagnostic[];
  /** Some input could not be read or understood: the check fails closed. */
  readonly incomplete: boolean;
  /**
   * Present when the repository holds several clusters or environments: each analysed on its
   * own, in name order. The fields above then merge them (each change, finding and workload
   * names its target; diagnostics once).
   */
  readonly targets?: readonly TargetSection[];
}

/** One target's part of the report. */
export interface TargetSection {
  readonly name: string;
  /** Any change, workload added or removed, or finding new or fixed. */
  readonly changed: boolean;
  readonly summary: ReportSummary;
  readonly incomplete: boolean;
}

export type Layer = 'l4' | 'l7' | 'effective';

export interface RevisionInfo {
  /** As given: a revision name, a sha, or a directory. */
  readonly label: string;
  /** Resolved commit, when the side is a git revision. */
  readonly commit?: string;
}

export interface ReportSummary {
  readonly opened: number;
  readonly closed: number;
  readonly changed: number;
  readonly workloadsAdded: number;
  readonly workloadsRemoved: number;
  readonly findings: {
    readonly new: number;
    readonly fixed: number;
    readonly existing: number;
    readonly accepted: number;
  };
  readonly errors: number;
  readonly warnings: number;
}

export type FindingStatus = 'new' | 'fixed' | 'existing' | 'accepted';

/** A finding (mismatch between layers, sidecar resources, ...): filled in by the findings stage. */
export interface Finding {
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly status: FindingStatus;
  readonly title: string;
  readonly message: string;
  readonly locations: readonly SourceLocation[];
  readonly source?: string;
  readonly destination?: string;
  /** Reason given when accepted. */
  readonly acceptedReason?: string;
  /** The cluster or environment it is found in, when the repository has several (report.targets). */
  readonly target?: string;
}
