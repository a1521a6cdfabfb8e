import { ConfigurationError } from '../core/errors.js';

/** One side of the comparison, before anything is looked up on disk or in git. */
export type Side =
  /** A commit named by the event: must be present in (or fetched into) the checkout. */
  | { readonly kind: 'commit'; readonly sha: string }
  /** What the user wrote in the `base` / `head` input: a revision or a directory. */
  | { readonly kind: 'input'; readonly value: string }
  /** Nothing at all: the first push of a branch has no previous state. */
  | { readonly kind: 'empty' };

export type RevisionPlan =
  | {
      readonly kind: 'diff';
      readonly base: Side;
      readonly head: Side;
      /** Compare head with merge-base(base, head), so only what a PR itself changes shows. */
      readonly useMergeBase: boolean;
      /** The PR to comment on, when the event has one. */
      readonly pullRequest?: number;
      /** Things worth telling the user about how the sides were chosen. */
      readonly notes: readonly string[];
    }
  | { readonly kind: 'skip'; readonly reason: string };

export interface ExplicitRevisions {
  readonly base?: string;
  readonly head?: string;
}

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const ZERO_SHA = /^0+$/;

function field(payload: unknown, path: readonly string[]): unknown {
  let node: unknown = payload;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function sha(payload: unknown, path: readonly string[], eventName: string): string {
  const value = field(payload, path);
  if (typeof value !== 'string' || !SHA.test(value)) {
    throw new ConfigurationError(
      `${eventName} event: the payload has no commit at ${path.join('.')}; set the base and head inputs explicitly`,
    );
  }
  return value;
}

/** Sides the event implies, before explicit inputs are applied; undefined: the event has none. */
interface EventSides {
  readonly base: Side;
  readonly head: Side;
  readonly useMergeBase: boolean;
  readonly pullRequest?: number;
  readonly notes: readonly string[];
}

function pullRequestNumber(eventName: string, payload: unknown): number | undefined {
  if (eventName !== 'pull_request' && eventName !== 'pull_request_target') return undefined;
  const number = field(payload, ['pull_request', 'number']);
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
}

function pullRequestSides(eventName: string, payload: unknown): EventSides {
  const number = pullRequestNumber(eventName, payload);
  return {
    base: { kind: 'commit', sha: sha(payload, ['pull_request', 'base', 'sha'], eventName) },
    head: { kind: 'commit', sha: sha(payload, ['pull_request', 'head', 'sha'], eventName) },
    useMergeBase: true,
    ...(number !== undefined && { pullRequest: number }),
    notes: [],
  };
}

function pushSides(payload: unknown): EventSides | 'deleted' {
  const after = sha(payload, ['after'], 'push');
  if (ZERO_SHA.test(after)) return 'deleted';
  const before = field(payload, ['before']);
  if (typeof before === 'string' && ZERO_SHA.test(before)) {
    // A new branch or tag: there is no previous state of *this* ref, and guessing the branch it
    // came from would be wrong as often as right. Comparing with nothing shows everything head
    // allows as opened; the note says how to compare with a branch instead.
    return {
      base: { kind: 'empty' },
      head: { kind: 'commit', sha: after },
      useMergeBase: false,
      notes: [
        'first push of this ref (before is all zeros): comparing with an empty repository, so every path head ' +
          'allows shows as opened; set the base input (e.g. base: origin/main) to compare with a branch instead',
      ],
    };
  }
  return {
    base: { kind: 'commit', sha: sha(payload, ['before'], 'push') },
    head: { kind: 'commit', sha: after },
    useMergeBase: false,
    notes: [],
  };
}

function eventSides(eventName: string, payload: unknown): EventSides | 'deleted' | undefined {
  switch (eventName) {
    case 'pull_request':
    case 'pull_request_target':
      return pullRequestSides(eventName, payload);
    case 'push':
      return pushSides(payload);
    case 'merge_group':
      // The queue's head commit is built on top of base_sha: a plain diff is exactly what merges.
      return {
        base: { kind: 'commit', sha: sha(payload, ['merge_group', 'base_sha'], eventName) },
        head: { kind: 'commit', sha: sha(payload, ['merge_group', 'head_sha'], eventName) },
        useMergeBase: false,
        notes: [],
      };
    default:
      return undefined;
  }
}

/**
 * Decides what to compare from the event and the `base` / `head` inputs (inputs win). Pure: the
 * caller reads the payload file and later resolves each side against the checkout.
 */
export function planRevisions(
  eventName: string,
  payload: unknown,
  explicit: ExplicitRevisions,
): RevisionPlan {
  if (explicit.base !== undefined && explicit.head !== undefined) {
    const pullRequest = pullRequestNumber(eventName, payload);
    return {
      kind: 'diff',
      base: { kind: 'input', value: explicit.base },
      head: { kind: 'input', value: explicit.head },
      useMergeBase: false,
      ...(pullRequest !== undefined && { pullRequest }),
      notes: [],
    };
  }
  const sides = eventSides(eventName, payload);
  if (sides === 'deleted') {
    return { kind: 'skip', reason: 'push deletes the ref (after is all zeros): there is no head to analyse' };
  }
  if (sides === undefined) {
    throw new ConfigurationError(
      `the ${eventName || 'unknown'} event names no revisions: set both the base and head inputs ` +
        '(revisions such as origin/main, commit shas, or directories of the workspace)',
    );
  }
  // One explicit side replaces the event's; the merge base only makes sense for the PR's own pair.
  const explicitOne = explicit.base !== undefined || explicit.head !== undefined;
  return {
    kind: 'diff',
    base: explicit.base !== undefined ? { kind: 'input', value: explicit.base } : sides.base,
    head: explicit.head !== undefined ? { kind: 'input', value: explicit.head } : sides.head,
    useMergeBase: sides.useMergeBase && !explicitOne,
    ...(sides.pullRequest !== undefined && { pullRequest: sides.pullRequest }),
    notes: explicit.base !== undefined ? [] : sides.notes,
  };
}

/** Branch names the event gives each side, to show beside the short shas (`refs/heads/` dropped). */
export interface EventRefs {
  readonly base?: string;
  readonly head?: string;
}

function refName(payload: unknown, path: readonly string[]): string | undefined {
  const value = field(payload, path);
  if (typeof value !== 'string' || value === '') return undefined;
  return value.replace(/^refs\/(heads|tags)\//, '');
}

/**
 * The names of the sides the event chose (a side given as an input is named by the input): a
 * PR's base and head branches, a push's branch on both sides, a merge queue's base and queue refs.
 */
export function eventRefs(eventName: string, payload: unknown, plan: RevisionPlan): EventRefs {
  if (plan.kind !== 'diff') return {};
  const refs: EventRefs =
    eventName === 'pull_request' || eventName === 'pull_request_target'
      ? {
          base: refName(payload, ['pull_request', 'base', 'ref']),
          head: refName(payload, ['pull_request', 'head', 'ref']),
        }
      : eventName === 'push'
        ? { base: refName(payload, ['ref']), head: refName(payload, ['ref']) }
        : eventName === 'merge_group'
          ? {
              base: refName(payload, ['merge_group', 'base_ref']),
              head: refName(payload, ['merge_group', 'head_ref']),
            }
          : {};
  return {
    ...(plan.base.kind === 'commit' && refs.base !== undefined && { base: refs.base }),
    ...(plan.head.kind === 'commit' && refs.head !== undefined && { head: refs.head }),
  };
}
