import picomatch from 'picomatch';
import { type Config, DEFAULT_CONFIG } from './config/types.js';
import { ConfigurationError } from './core/errors.js';
import type { RevisionFiles } from './git/types.js';
import type { AnalysedRevision } from './revision/analysed-revision.js';

// Input that cannot be what the user meant: analysing it would pass a check that looked at
// nothing. Each is a ConfigurationError (exit 2), said before any report.

/**
 * An `include` glob the user gave (config file, `--include`, the Action's `paths`) that matches
 * no file read on any side is a typo or a moved directory. The default globs are exempt: a
 * repository without `.json` files is not a mistake.
 */
export function checkIncludeMatches(config: Config, sides: readonly RevisionFiles[]): void {
  if (sameGlobs(config.include, DEFAULT_CONFIG.include)) return;
  const paths = sides.flatMap((s) => [
    ...s.files.map((f) => f.path),
    // A file that matched but could not be read still matched.
    ...s.diagnostics.flatMap((d) => (d.location ? [d.location.file] : [])),
  ]);
  const unmatched = config.include.filter((glob) => {
    const matches = picomatch(glob, { dot: true });
    return !paths.some((p) => matches(p));
  });
  if (unmatched.length === 0) return;
  const where = sides.map((s) => s.label).join(' or ');
  const globs = unmatched.map((g) => `'${g}'`).join(', ');
  throw new ConfigurationError(
    `include ${globs} matches no file in ${where}${config.exclude.length ? ' (after exclude)' : ''}: check the glob, it is relative to the repository root`,
  );
}

/**
 * A side without a single Kubernetes object analyses to an empty cluster: every path of the
 * other side would be reported opened or closed, or, both empty, "no change" about nothing.
 * Unless `allowEmptyRevision: true` (a first pull request that adds the manifests). A side that
 * is empty because its files could not be read is left to the report: it is incomplete (exit 3)
 * and says why.
 */
export function checkRevisionsHaveObjects(config: Config, revisions: readonly AnalysedRevision[]): void {
  if (config.allowEmptyRevision) return;
  const empty = revisions.filter(
    (r) => objectCount(r) === 0 && !r.diagnostics.some((d) => d.severity === 'error'),
  );
  if (empty.length === 0) return;
  const names = empty.map((r) => `'${r.label}'`).join(' and ');
  throw new ConfigurationError(
    `${names} ${empty.length === 1 ? 'has' : 'have'} no Kubernetes objects in the files matching include (${config.include.join(', ')}); check include and the revision, or set 'allowEmptyRevision: true' in the config when a revision is empty on purpose`,
  );
}

function objectCount(r: AnalysedRevision): number {
  let n = 0;
  for (const list of r.model.objectsByKind.values()) n += list.length;
  return n;
}

function sameGlobs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((g, i) => g === b[i]);
}
