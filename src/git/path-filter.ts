import picomatch from 'picomatch';

/** A path that is read: matched by an include glob and by no exclude glob. */
export type PathFilter = (path: string) => boolean;

export function createPathFilter(include: readonly string[], exclude: readonly string[]): PathFilter {
  // dot: true so `.github/...` or `.argocd/...` manifests are not silently skipped.
  const options = { dot: true };
  const included = include.length > 0 ? picomatch([...include], options) : () => false;
  const excluded = exclude.length > 0 ? picomatch([...exclude], options) : () => false;
  return (path) => included(path) && !excluded(path);
}

/** Byte-wise order, independent of locale, so results are the same on every machine. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
