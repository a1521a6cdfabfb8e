import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isScalar, LineCounter, parseDocument } from 'yaml';
import { ConfigurationError } from '../core/errors.js';
import type { SourceLocation } from '../core/location.js';
import { readReport } from './report-section.js';
import {
  readCluster,
  readCni,
  readFindings,
  readGlobs,
  readMesh,
  readNamespaces,
  readRender,
  readSidecar,
} from './sections.js';
import { readTargets } from './targets-section.js';
import { type Config, DEFAULT_CONFIG } from './types.js';
import { YamlReader } from './yaml-reader.js';

/** Config files are read from the working tree, not from a revision; this labels their locations. */
export const CONFIG_REVISION = 'working-tree';

export const CONFIG_NAMES: readonly string[] = ['.policy-diff.yaml', '.policy-diff.yml'];
const TOP_KEYS = [
  'include',
  'exclude',
  'namespaces',
  'cni',
  'cluster',
  'mesh',
  'sidecar',
  'findings',
  'render',
  'targets',
  'report',
  'allowEmptyRevision',
] as const;

/** What the config is checked against that other stages own. */
export interface ConfigVocabulary {
  /** The findings' rule ids: `findings.severity` and `findings.accept` may name only these. */
  readonly ruleIds?: readonly string[];
}

/** Validates a `.policy-diff.yaml` and applies defaults; any mistake is a ConfigurationError at `file:line`. */
export function parseConfig(text: string, file: string, vocabulary: ConfigVocabulary = {}): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const line = lines.linePos(error.pos[0]).line;
    throw new ConfigurationError(`${file}:${line}: invalid YAML: ${error.message.split('\n')[0]}`);
  }
  const location: SourceLocation = { revision: CONFIG_REVISION, file, line: 1, column: 1 };
  const contents = doc.contents;
  // An empty file (or only comments) means "all defaults".
  if (contents === null || (isScalar(contents) && contents.value === null))
    return { ...DEFAULT_CONFIG, location };
  const r = new YamlReader(file, doc, lines);
  const s = r.section({ node: contents, path: '' }, TOP_KEYS);
  const include = s.get('include');
  const exclude = s.get('exclude');
  const namespaces = s.get('namespaces');
  const allowEmpty = s.get('allowEmptyRevision');
  const targets = s.get('targets');
  return {
    include: include ? readGlobs(r, include, false) : DEFAULT_CONFIG.include,
    exclude: exclude ? readGlobs(r, exclude, true) : DEFAULT_CONFIG.exclude,
    namespaces: namespaces ? readNamespaces(r, namespaces) : DEFAULT_CONFIG.namespaces,
    cni: readCni(r, s.get('cni')),
    cluster: readCluster(r, s.get('cluster')),
    mesh: readMesh(r, s.get('mesh')),
    sidecar: readSidecar(r, s.get('sidecar')),
    findings: readFindings(r, s.get('findings'), vocabulary.ruleIds),
    render: readRender(r, s.get('render')),
    report: readReport(r, s.get('report')),
    ...(targets ? { targets: readTargets(r, targets) } : {}),
    ...(allowEmpty ? { allowEmptyRevision: r.boolean(allowEmpty) } : {}),
    location,
  };
}

/** The file's text, or undefined when it does not exist. */
async function readConfigFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new ConfigurationError(`config file '${path}' is a directory`);
    throw new ConfigurationError(`cannot read config file '${path}': ${code ?? String(error)}`);
  }
}

/**
 * The config named by `configPath` (relative to the current directory; it must exist), else
 * `<repo>/.policy-diff.yaml` or `.policy-diff.yml` when present, else the defaults.
 */
export async function loadConfig(
  options: { repo: string; configPath?: string },
  vocabulary: ConfigVocabulary = {},
): Promise<Config> {
  if (options.configPath !== undefined) {
    const text = await readConfigFile(options.configPath);
    if (text === undefined)
      throw new ConfigurationError(`config file '${options.configPath}' does not exist`);
    return parseConfig(text, options.configPath, vocabulary);
  }
  for (const name of CONFIG_NAMES) {
    const path = join(options.repo, name);
    const text = await readConfigFile(path);
    if (text !== undefined) return parseConfig(text, path, vocabulary);
  }
  return DEFAULT_CONFIG;
}
