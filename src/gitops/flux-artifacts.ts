import { posix } from 'node:path';
import { type AppObject, rec, str } from './applications.js';

/** Where an ExternalArtifact of a Flux ArtifactGenerator comes from: a GitRepository and a directory of it. */
export type ArtifactOrigin =
  | { readonly gitRef: Readonly<Record<string, unknown>>; readonly prefix: string }
  | { readonly what: string };

/** `@alias/dir/**` -> [alias, dir]; `@artifact/to/` -> to. */
function fromOf(from: string): [string, string] | undefined {
  const m = /^@([^/]+)\/(?:(.*?)\/)?\*\*$/.exec(from);
  return m ? [m[1] as string, m[2] ?? '.'] : undefined;
}

function toOf(to: string): string | undefined {
  const m = /^@artifact\/(.*?)\/?$/.exec(to);
  return m ? m[1] || '.' : undefined;
}

/**
 * An artifact whose copies keep the repository's layout under one directory (apps/base/** to
 * base/, apps/production/** to production/: all under apps/) reads as that directory of the
 * GitRepository, so the kustomizations' relative paths still hold; any other copy is not analysed.
 */
export function artifactOrigin(
  name: string,
  namespace: string,
  generators: readonly AppObject[],
): ArtifactOrigin {
  for (const g of generators) {
    if ((str(rec(g.json.metadata).namespace) ?? 'default') !== namespace) continue;
    const spec = rec(g.json.spec);
    const artifact = (Array.isArray(spec.artifacts) ? spec.artifacts : [])
      .map(rec)
      .find((a) => a.name === name);
    if (!artifact) continue;
    const copies = (Array.isArray(artifact.copy) ? artifact.copy : []).map(rec);
    const prefixes = new Set<string>();
    const aliases = new Set<string>();
    for (const c of copies) {
      const from = fromOf(str(c.from) ?? '');
      const to = toOf(str(c.to) ?? '');
      if (!from || to === undefined || c.exclude !== undefined)
        return { what: `ExternalArtifact ${name} (copies not followed)` };
      aliases.add(from[0]);
      const [dir] = [from[1]];
      const tail = to === '.' ? '' : `/${to}`;
      if (to !== '.' && dir !== to && !dir.endsWith(tail))
        return { what: `ExternalArtifact ${name} (copies not followed)` };
      prefixes.add(to === '.' ? dir : posix.normalize(dir.slice(0, dir.length - tail.length) || '.'));
    }
    const [prefix] = [...prefixes];
    const [alias] = [...aliases];
    if (prefixes.size !== 1 || aliases.size !== 1 || prefix === undefined) {
      return { what: `ExternalArtifact ${name} (copies not followed)` };
    }
    const source = (Array.isArray(spec.sources) ? spec.sources : []).map(rec).find((s) => s.alias === alias);
    if (!source) return { what: `ExternalArtifact ${name} (source @${alias} not found)` };
    return {
      gitRef: { kind: source.kind, name: source.name, namespace: source.namespace ?? namespace },
      prefix,
    };
  }
  return { what: `ExternalArtifact ${name} (no ArtifactGenerator in this revision)` };
}
