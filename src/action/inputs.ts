import type { InjectionAssumption } from '../config/types.js';
import { ConfigurationError } from '../core/errors.js';
import { type FailOn, parseFailOn } from '../report/fail-on.js';

export type CommentMode = 'always' | 'on-change' | 'never';

/** Every input of action.yml, validated, with defaults applied. Built once, in `run()`. */
export interface ActionInputs {
  /** May be empty when no comment is written (push, merge_group, `comment: never`). */
  readonly token: string;
  /** Explicit revisions or directories; undefined: taken from the event. */
  readonly base?: string;
  readonly head?: string;
  /** Include globs overriding the config's; undefined: the config decides. */
  readonly paths?: readonly string[];
  /** Only these targets, when the repository holds several clusters or environments. */
  readonly targets?: readonly string[];
  readonly configPath?: string;
  readonly failOn: FailOn;
  readonly comment: CommentMode;
  readonly injection?: InjectionAssumption;
  readonly minCpuRequest?: string;
  readonly minMemoryRequest?: string;
}

/**
 * Reads one input as `core.getInput` does (`''` when unset). Kept as a plain function so the
 * parsing below is testable with a Record, without mocking `@actions/core`.
 */
export type InputGetter = (name: string) => string;

const COMMENT_MODES: readonly CommentMode[] = ['always', 'on-change', 'never'];
const INJECTIONS: readonly InjectionAssumption[] = ['labelled', 'all', 'none'];

/** Kubernetes resource.Quantity, non-negative: `100m`, `0.5`, `128Mi`, `1G`, `1e3`. */
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$/;

function optional(get: InputGetter, name: string): string | undefined {
  const value = get(name).trim();
  return value === '' ? undefined : value;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value.toLowerCase());
  if (!found) {
    throw new ConfigurationError(`${name}: '${value}' is not one of ${allowed.join(', ')}`);
  }
  return found;
}

function quantity(name: string, value: string | undefined, example: string): string | undefined {
  if (value === undefined) return undefined;
  if (!QUANTITY.test(value)) {
    throw new ConfigurationError(`${name}: '${value}' is not a Kubernetes quantity (e.g. ${example})`);
  }
  return value;
}

/**
 * Splits on newlines and on commas outside braces, so `**\/*.{yaml,yml}` stays one glob.
 * Lines starting with `#` are comments, which helps in a YAML block scalar.
 */
export function splitGlobs(text: string): string[] {
  const globs: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim().startsWith('#')) continue;
    let depth = 0;
    let current = '';
    for (const ch of line) {
      if (ch === '{') depth++;
      if (ch === '}') depth = Math.max(0, depth - 1);
      if (ch === ',' && depth === 0) {
        globs.push(current);
        current = '';
      } else {
        current += ch;
      }
    }
    globs.push(current);
  }
  return globs.map((g) => g.trim()).filter((g) => g !== '');
}

function parsePaths(text: string | undefined): readonly string[] | undefined {
  if (text === undefined) return undefined;
  const globs = splitGlobs(text);
  if (globs.length === 0) return undefined;
  for (const glob of globs) {
    if (glob.startsWith('/') || /^[A-Za-z]:[\\/]/.test(glob)) {
      throw new ConfigurationError(`paths: '${glob}' is absolute; globs are relative to the repository root`);
    }
  }
  return globs;
}

/** Target names, separated by newlines or commas; none given: every target. */
function parseTargets(text: string | undefined): readonly string[] | undefined {
  const names = (text ?? '')
    .split(/[\n,]/)
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return names.length ? names : undefined;
}

/** Builds the typed inputs; throws ConfigurationError naming the input and what is expected. */
export function parseInputs(get: InputGetter): ActionInputs {
  const commentText = optional(get, 'comment');
  const injectionText = optional(get, 'injection');
  const base = optional(get, 'base');
  const head = optional(get, 'head');
  return {
    token: get('github-token').trim(),
    ...optionalField('base', base),
    ...optionalField('head', head),
    ...optionalField('paths', parsePaths(optional(get, 'paths'))),
    ...optionalField('targets', parseTargets(optional(get, 'targets'))),
    ...optionalField('configPath', optional(get, 'config')),
    failOn: parseFailOn(optional(get, 'fail-on') ?? 'new-errors'),
    comment: commentText === undefined ? 'on-change' : oneOf('comment', commentText, COMMENT_MODES),
    ...optionalField(
      'injection',
      injectionText === undefined ? undefined : oneOf('injection', injectionText, INJECTIONS),
    ),
    ...optionalField('minCpuRequest', quantity('min-cpu-request', optional(get, 'min-cpu-request'), '100m')),
    ...optionalField(
      'minMemoryRequest',
      quantity('min-memory-request', optional(get, 'min-memory-request'), '128Mi'),
    ),
  };
}

/** `{}` or `{ key: value }`: keeps absent inputs absent instead of `key: undefined`. */
function optionalField<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
