import { parseArgs } from 'node:util';
import type { InjectionAssumption } from '../config/types.js';
import { ConfigurationError } from '../core/errors.js';
import { repositoryWebUrl } from '../render/links.js';
import { type FailOn, parseFailOn } from '../report/fail-on.js';
import type { Layer } from '../report/types.js';
import { STDIN_SIDE } from '../run.js';

export const DIFF_FORMATS = ['text', 'markdown', 'json', 'sarif', 'connlist-diff'] as const;
export const MATRIX_FORMATS = ['text', 'json', 'ndjson', 'json-pairs', 'connlist'] as const;
export const LAYERS = ['l4', 'l7', 'effective'] as const;
export const INJECTIONS = ['labelled', 'all', 'none'] as const;
export const RULES_FORMATS = ['text', 'json'] as const;
const COMMANDS = ['diff', 'matrix', 'rules', 'help', 'version'] as const;
const HELP_TOPICS = ['diff', 'matrix', 'rules'] as const;
export type HelpTopic = (typeof HELP_TOPICS)[number];

export interface CommonArgs {
  readonly repo: string;
  readonly config?: string;
  readonly include: readonly string[];
  /** Only these targets (config `targets`, or discovered), when the repository holds several. */
  readonly targets: readonly string[];
  /** `--repo-url`: URLs this repository is known by (Argo CD / Flux sources from them are rendered). */
  readonly repoURLs: readonly string[];
  readonly layer: Layer;
  readonly injection?: InjectionAssumption;
  readonly output?: string;
}

export type Command =
  | { readonly name: 'help'; readonly topic?: HelpTopic }
  | { readonly name: 'version' }
  | { readonly name: 'rules'; readonly format: (typeof RULES_FORMATS)[number] }
  | (CommonArgs & {
      readonly name: 'diff';
      readonly base: string;
      readonly head: string;
      readonly format: (typeof DIFF_FORMATS)[number];
      /** `--link-base`: the repository's web page locations link to, or `auto` (the origin remote). */
      readonly linkBase?: string;
      /** Exit 1 when one of these matches (default `new-errors`); the Action's vocabulary. */
      readonly failOn: FailOn;
      /** `--format markdown` is cut to this many characters, noise first (0: no limit). */
      readonly maxChars: number;
      /** `--no-color`: the text report is never coloured. */
      readonly noColor: boolean;
    })
  | (CommonArgs & {
      readonly name: 'matrix';
      readonly revision: string;
      readonly format: (typeof MATRIX_FORMATS)[number];
    });

const OPTIONS = {
  repo: { type: 'string' },
  config: { type: 'string' },
  include: { type: 'string', multiple: true },
  target: { type: 'string', multiple: true },
  'repo-url': { type: 'string', multiple: true },
  format: { type: 'string' },
  layer: { type: 'string' },
  'link-base': { type: 'string' },
  'assume-injection': { type: 'string' },
  'fail-on': { type: 'string' },
  'max-chars': { type: 'string' },
  'no-color': { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Parses argv into one typed command; every mistake is a ConfigurationError that says what is wrong. */
export function parseCommand(argv: readonly string[], cwd: string): Command {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new ConfigurationError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (values.version || name === 'version') return { name: 'version' };
  if (!name || name === 'help') return { name: 'help', ...topic(rest[0]) };
  if (!(COMMANDS as readonly string[]).includes(name))
    throw new ConfigurationError(`unknown command '${name}' (expected ${COMMANDS.join(', ')})`);
  if (values.help) return { name: 'help', ...topic(name) };
  if (name === 'rules') {
    if (rest.length) throw new ConfigurationError(`rules takes no arguments (got ${rest.length})`);
    return { name, format: oneOf('--format', values.format ?? 'text', RULES_FORMATS) };
  }
  const common: CommonArgs = {
    repo: values.repo ?? cwd,
    include: values.include ?? [],
    targets: values.target ?? [],
    repoURLs: values['repo-url'] ?? [],
    layer: oneOf('--layer', values.layer ?? 'effective', LAYERS),
    ...(values.config ? { config: values.config } : {}),
    ...(values['assume-injection']
      ? { injection: oneOf('--assume-injection', values['assume-injection'], INJECTIONS) }
      : {}),
    ...(values.output ? { output: values.output } : {}),
  };
  if (name === 'diff') {
    if (rest.length !== 2)
      throw new ConfigurationError(
        `diff takes exactly two arguments, <base> and <head> (got ${rest.length})`,
      );
    if (rest[0] === STDIN_SIDE && rest[1] === STDIN_SIDE)
      throw new ConfigurationError(`diff reads at most one side from stdin ('${STDIN_SIDE}')`);
    return {
      ...common,
      name,
      base: rest[0]!,
      head: rest[1]!,
      format: oneOf('--format', values.format ?? 'text', DIFF_FORMATS),
      ...linkBase(values['link-base']),
      failOn: parseFailOn(values['fail-on'] ?? 'new-errors'),
      maxChars: maxChars(values['max-chars']),
      noColor: values['no-color'] ?? false,
    };
  }
  if (rest.length !== 1)
    throw new ConfigurationError(
      `matrix takes exactly one argument, <revision-or-directory> (got ${rest.length})`,
    );
  return {
    ...common,
    name: 'matrix',
    revision: rest[0]!,
    format: oneOf('--format', values.format ?? 'text', MATRIX_FORMATS),
  };
}

/** The PR comment's limit by default, so `--format markdown` is what the comment would be. */
export const DEFAULT_MAX_CHARS = 65_536;

function maxChars(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_CHARS;
  if (!/^\d+$/.test(value))
    throw new ConfigurationError(
      `--max-chars must be a whole number of characters, 0 for no limit (got '${value}')`,
    );
  return Number(value);
}

/** `auto`, or an http(s) address without credentials (normalised): nothing else becomes a link. */
function linkBase(value: string | undefined): { linkBase?: string } {
  if (value === undefined) return {};
  if (value === 'auto') return { linkBase: value };
  const url = repositoryWebUrl(value);
  if (url === undefined)
    throw new ConfigurationError(
      `--link-base must be the repository's web page, such as https://github.com/owner/repo, or auto (got '${value}')`,
    );
  return { linkBase: url };
}

function topic(value: string | undefined): { topic?: HelpTopic } {
  return (HELP_TOPICS as readonly string[]).includes(value ?? '') ? { topic: value as HelpTopic } : {};
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigurationError(`${flag} must be one of ${allowed.join(', ')} (got '${value}')`);
}
