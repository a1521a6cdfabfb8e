import { posix } from 'node:path';
import type { TargetConfig } from './types.js';
import type { Field, YamlReader } from './yaml-reader.js';

const TARGET_KEYS = ['name', 'paths'] as const;

/** Printable in a heading and typed on a command line (`--target clusters/prod`). */
const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;

/**
 * `targets:` — the clusters or environments of the repository, each analysed on its own: a list
 * of `{ name, paths }`, `paths` repository-relative directories or globs of what that cluster
 * receives (render roots and plain files under them). Names are unique.
 */
export function readTargets(r: YamlReader, field: Field): TargetConfig[] {
  const names = new Set<string>();
  const targets = r.items(field).map((item) => {
    const s = r.section(item, TARGET_KEYS);
    const nameField = s.get('name') ?? r.fail(item.node, `${item.path}.name: missing target name`);
    const name = r.string(nameField);
    if (!TARGET_NAME.test(name)) {
      r.fail(
        nameField.node,
        `${nameField.path}: '${name}' is not a target name (letters, digits, '.', '_', '/', '-'; at most 100)`,
      );
    }
    if (names.has(name)) r.fail(nameField.node, `${nameField.path}: target '${name}' is listed twice`);
    names.add(name);
    const pathsField = s.get('paths') ?? r.fail(item.node, `${item.path}.paths: missing paths`);
    const paths = r.items(pathsField).map((p) => readTargetPath(r, p));
    if (paths.length === 0) r.fail(pathsField.node, `${pathsField.path}: a target needs at least one path`);
    return { name, paths };
  });
  if (targets.length === 0) r.fail(field.node, `${field.path}: expected at least one target`);
  return targets;
}

/** A directory (`clusters/prod`) or glob (`apps/*\/prod/**`) inside the repository, `/`-separated. */
function readTargetPath(r: YamlReader, field: Field): string {
  const raw = r.string(field);
  const path = posix.normalize(raw).replace(/\/+$/, '') || '.';
  if (raw.includes('\\') || posix.isAbsolute(raw) || path === '..' || path.startsWith('../')) {
    r.fail(
      field.node,
      `${field.path}: '${raw}' must be a relative path or glob inside the repository, with '/'`,
    );
  }
  return path;
}
