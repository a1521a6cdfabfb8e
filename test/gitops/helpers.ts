import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, DEFAULT_CONFIG, type RenderConfig } from '../../src/config/types.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { readRevision } from '../../src/git/read-revision.js';
import type { RevisionInput } from '../../src/git/types.js';
import { type GitopsRevision, type RenderOptions, renderRevision } from '../../src/gitops/render-revision.js';
import { parseSourceFile } from '../../src/manifests/parse.js';
import type { K8sObject } from '../../src/manifests/types.js';
import { packagedHelm } from '../helpers/helm-binary.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

export const FIXTURES = join(PROJECT_ROOT, 'fixtures', 'gitops');

function works(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

export const hasKustomize = works('kubectl', ['kustomize', '--help']) || works('kustomize', ['version']);
const packaged = packagedHelm();
/**
 * A search path whose `helm` is the packaged Helm 3.17.1 (test/helpers/helm-binary.ts) where the
 * platform has it, else the process's own PATH; Helm tests render with it.
 */
export const helmSearchPath =
  'dir' in packaged ? `${packaged.dir}:${process.env.PATH ?? ''}` : (process.env.PATH ?? '');
export const hasHelm =
  ('dir' in packaged && works(join(packaged.dir, 'helm'), ['version', '--short'])) ||
  works('helm', ['version', '--short']);
// CI (.ci/run) asks for the Helm tests to run: skipping them there would hide the Helm path.
if (!hasHelm && process.env.POLICY_DIFF_REQUIRE_HELM === '1') {
  throw new Error(
    `POLICY_DIFF_REQUIRE_HELM=1 but no Helm runs here: ${'reason' in packaged ? packaged.reason : 'the packaged one does not run'}`,
  );
}
/** Said in the title of a Helm test that is skipped. */
export const noHelm = hasHelm
  ? ''
  : ` (skipped: no Helm: ${'reason' in packaged ? packaged.reason : 'the packaged one does not run'}, none on PATH)`;

export function config(render: Partial<RenderConfig> = {}, extra: Partial<Config> = {}): Config {
  return { ...DEFAULT_CONFIG, ...extra, render: { ...DEFAULT_CONFIG.render, ...render } };
}

/** A temp directory removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `policy-diff-test-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function copyFixture(name: string, to: string): void {
  cpSync(join(FIXTURES, name), to, { recursive: true });
}

export function listRecursive(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

export interface Rendered {
  readonly result: GitopsRevision;
  readonly objects: K8sObject[];
  readonly diagnostics: Diagnostic[];
}

/** Renders a revision and parses everything the analysis would read. */
export async function render(
  input: RevisionInput,
  cfg: Config = config(),
  options: RenderOptions = {},
): Promise<Rendered> {
  const files = await readRevision(input, { include: cfg.include, exclude: cfg.exclude });
  const result = await renderRevision(input, files, cfg, options);
  const diagnostics = [...result.diagnostics];
  const objects = [...result.files, ...result.rendered.map((r) => r.file)].flatMap((file) => {
    const parsed = parseSourceFile(file, files.label);
    diagnostics.push(...parsed.diagnostics);
    return parsed.objects;
  });
  return { result, objects, diagnostics };
}

export function find(
  objects: readonly K8sObject[],
  kind: string,
  namespace: string | undefined,
  name: string,
): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.declaredNamespace === namespace && o.name === name);
  if (!found) {
    const have = objects.map((o) => `${o.kind} ${o.declaredNamespace}/${o.name}`).join(', ');
    throw new Error(`no ${kind} ${namespace}/${name}; have ${have}`);
  }
  return found;
}

export function codes(diagnostics: readonly Diagnostic[], severity?: Diagnostic['severity']): string[] {
  return diagnostics.filter((d) => !severity || d.severity === severity).map((d) => d.code);
}
