import { posix } from 'node:path';
import picomatch from 'picomatch';
import { type AppObject, appLabel, rec, str, type ThisRepo } from './applications.js';
import { type AppsRead, readArgoApplication, type TreeView } from './argo-apps.js';

/** Why a generator gives no Application here: policy-diff does not expand its kind. */
const NOT_EXPANDED = 'is not expanded by policy-diff';

/** The tree an ApplicationSet's git generator walks: its directories and files. */
export interface SetTree extends TreeView {
  readonly dirs: readonly string[];
  readonly files: readonly string[];
}

type Params = Readonly<Record<string, string>>;

/** Argo's path parameters of a directory or file (`path`, `path.basename`, `path[0]`...). */
function pathParams(dir: string, file?: string): Record<string, string> {
  const segments = dir === '.' ? [] : dir.split('/');
  const base = segments[segments.length - 1] ?? '';
  const params: Record<string, string> = {
    path: dir,
    'path.path': dir,
    'path.basename': base,
    'path.basenameNormalized': base.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
  };
  segments.forEach((s, i) => {
    params[`path[${i}]`] = s;
    params[`path.segments[${i}]`] = s;
  });
  if (file) params['path.filename'] = posix.basename(file);
  return params;
}

function flatten(value: unknown, prefix: string, out: Record<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined && value !== null) out[prefix] = String(value);
}

/** One parameter set per element of a list generator, per directory or file of a git generator. */
function generatorParams(
  gen: Readonly<Record<string, unknown>>,
  repo: ThisRepo,
  tree: SetTree,
  readJson: (path: string) => unknown,
): { params: Params[]; remote?: string; why?: string } {
  if (Array.isArray(rec(gen.list).elements)) {
    return {
      params: (rec(gen.list).elements as unknown[]).map((e) => {
        const out: Record<string, string> = {};
        flatten(e, '', out);
        return out;
      }),
    };
  }
  const git = rec(gen.git);
  if (Object.keys(git).length === 0)
    return { params: [], remote: `generator ${Object.keys(gen)[0] ?? '?'}`, why: NOT_EXPANDED };
  const url = str(git.repoURL) ?? '';
  if (!repo.holds(url, true)) return { params: [], remote: `git generator of ${url || '(no repoURL)'}` };
  if (Array.isArray(git.directories)) {
    const entries = (git.directories as unknown[]).map(rec);
    const globs = (exclude: boolean) =>
      entries.filter((d) => (d.exclude === true) === exclude).flatMap((d) => str(d.path) ?? []);
    const included = picomatch(globs(false));
    const excluded = globs(true);
    const excludes = excluded.length > 0 ? picomatch(excluded) : () => false;
    const dirs = tree.dirs.filter((d) => d !== '.' && included(d) && !excludes(d));
    return { params: dirs.map((d) => pathParams(d)) };
  }
  if (Array.isArray(git.files)) {
    const globs = (git.files as unknown[]).flatMap((f) => str(rec(f).path) ?? []);
    const matches = picomatch(globs);
    return {
      params: tree.files
        .filter((f) => matches(f))
        .flatMap((f) => {
          // A file holding a list is one parameter set per element (Argo CD's files generator).
          const data = readJson(f);
          return (Array.isArray(data) ? data : [data]).map((item) => {
            const out: Record<string, string> = pathParams(posix.dirname(f), f);
            flatten(item, '', out);
            return out;
          });
        }),
    };
  }
  return { params: [], remote: 'git generator without directories or files', why: NOT_EXPANDED };
}

/** `{{path.basename}}` (fasttemplate) and `{{.path.basename}}` (goTemplate) filled in; unknown ones left as written. */
function fill(template: unknown, params: Params): unknown {
  const text = JSON.stringify(template).replace(/\{\{\s*\.?([\w.[\]-]+)\s*\}\}/g, (whole, key: string) =>
    key in params ? JSON.stringify(params[key]).slice(1, -1) : whole,
  );
  return JSON.parse(text);
}

function unfilled(app: unknown): string | undefined {
  return /\{\{[^}]*\}\}/.exec(JSON.stringify(app))?.[0];
}

/** The Applications an ApplicationSet generates (list and git generators over this repository). */
export function readApplicationSet(
  obj: AppObject,
  repo: ThisRepo,
  tree: SetTree,
  readJson: (path: string) => unknown,
  out: AppsRead,
): void {
  const label = appLabel(obj);
  const spec = rec(obj.json.spec);
  const generators = Array.isArray(spec.generators) ? (spec.generators as unknown[]) : [];
  generators.forEach((g, i) => {
    const at = { file: obj.at.file, line: obj.lineOf(['spec', 'generators', i]) };
    const { params, remote, why } = generatorParams(rec(g), repo, tree, readJson);
    if (remote) out.remote.push({ app: label, at, what: remote, ...(why ? { why } : {}) });
    for (const p of params) {
      const app = rec(fill(spec.template, p));
      // A placeholder left (a goTemplate function, an unknown parameter) would land objects in a
      // namespace or path of that literal text: said at the template instead of guessed.
      const left = unfilled(app);
      if (left) {
        const where = { file: obj.at.file, line: obj.lineOf(['spec', 'template']) };
        out.remote.push({
          app: label,
          at: where,
          what: `a template whose ${left} is not filled`,
          why: 'is not expanded by policy-diff (a goTemplate function or an unknown parameter)',
        });
        continue;
      }
      const name = str(rec(app.metadata).name) ?? '(unnamed)';
      const generated = { ...obj, json: { ...app, kind: 'Application' } };
      readArgoApplication(generated, rec(app.spec), `${label} -> Application ${name}`, repo, tree, out);
    }
  });
}
