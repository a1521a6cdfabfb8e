import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';

/**
 * A throwaway directory for one revision: `repo/` holds the revision's files, `wrap/<n>/` the
 * wrapper kustomizations, `home/` the tools' HOME. Removed by `dispose`, whatever happened.
 */
export interface Workspace {
  readonly dir: string;
  readonly repoDir: string;
  readonly home: string;
  dispose(): Promise<void>;
}

export async function createWorkspace(tempRoot: string = tmpdir()): Promise<Workspace> {
  const dir = await mkdtemp(join(tempRoot, 'policy-diff-render-'));
  const repoDir = join(dir, 'repo');
  const home = join(dir, 'home');
  await mkdir(repoDir);
  await mkdir(home);
  return { dir, repoDir, home, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A tree path that names a file inside the repository: no `..`, `.`, empty or `.git` segments. */
export function isSafeTreePath(path: string): boolean {
  if (path === '' || posix.isAbsolute(path) || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && s.toLowerCase() !== '.git');
}

/** Writes the files under `repoDir`; `wx` so nothing already there (a planted link) is written through. */
export async function materialise(ws: Workspace, contents: ReadonlyMap<string, Buffer>): Promise<string[]> {
  const refused: string[] = [];
  for (const [path, content] of contents) {
    const target = join(ws.repoDir, path);
    if (!isSafeTreePath(path) || relative(ws.repoDir, target).startsWith('..')) {
      refused.push(path);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, { flag: 'wx' });
  }
  return refused;
}

/**
 * A kustomization that only includes the root and asks for origin annotations: the root's own
 * files stay as committed, and kustomize says where each object and patch came from.
 */
export async function writeWrapper(
  ws: Workspace,
  index: number,
  root: string,
  options: object = {},
): Promise<string> {
  const wrapperDir = join(ws.dir, 'wrap', String(index));
  await mkdir(wrapperDir, { recursive: true });
  const target = relative(wrapperDir, join(ws.repoDir, root)).split('\\').join('/');
  const text = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${JSON.stringify(target)}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n${wrapperFields(options)}`;
  await writeFile(join(wrapperDir, 'kustomization.yaml'), text, { flag: 'wx' });
  return wrapperDir;
}

/** An Application's kustomize options as wrapper fields; JSON is YAML, and a value cannot break out of its line. */
function wrapperFields(options: object): string {
  return Object.entries(options)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`)
    .join('');
}

/** Inline Helm values in a file of their own, outside the repository copy. */
export async function writeValues(ws: Workspace, text: string): Promise<string> {
  const path = join(ws.dir, `values-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(path, text, { flag: 'wx' });
  return path;
}
