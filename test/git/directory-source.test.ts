import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INCLUDE } from '../../src/config/types.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { readRevision } from '../../src/git/read-revision.js';
import { writeFiles } from './helpers.js';

let tmp: string;
let dir: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'policy-diff-dir-'));
  dir = join(tmp, 'manifests');
  writeFiles(dir, {
    'z.yaml': 'z: 1\n',
    'apps/web/policy.yaml': 'web: 1\n',
    'apps/a.yml': 'a: 1\n',
    '.hidden/x.json': '{}\n',
    '.git/config.yaml': 'never: read\n',
    'node_modules/pkg/x.yaml': 'never: read\n',
    'deep/node_modules/y.yaml': 'never: read\n',
    'notes.txt': 'not included\n',
  });
  writeFiles(tmp, { 'outside/secret.yaml': 'secret: 1\n' });
  await symlink('/etc/passwd', join(dir, 'passwd.yaml'));
  await symlink(join(tmp, 'outside'), join(dir, 'linked-dir'));
  await symlink(join(tmp, 'outside/secret.yaml'), join(dir, 'apps/secret.yaml'));
  await mkdir(join(dir, 'empty'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('readRevision (directory)', () => {
  it('walks recursively, sorted, relative paths with /, skipping .git and node_modules', async () => {
    const result = await readRevision(
      { kind: 'directory', path: dir },
      { include: DEFAULT_INCLUDE, exclude: [] },
    );
    expect(result.label).toBe(dir);
    expect(result.commit).toBeUndefined();
    expect(result.files).toEqual([
      { path: '.hidden/x.json', text: '{}\n' },
      { path: 'apps/a.yml', text: 'a: 1\n' },
      { path: 'apps/web/policy.yaml', text: 'web: 1\n' },
      { path: 'z.yaml', text: 'z: 1\n' },
    ]);
  });

  it('never follows symlinks to files or directories outside the tree: each is an error', async () => {
    const result = await readRevision(
      { kind: 'directory', path: dir },
      { include: ['**'], exclude: ['*.txt'] },
    );
    expect(result.files.map((f) => f.path)).not.toContain('linked-dir/secret.yaml');
    expect(result.files.some((f) => f.text.includes('secret') || f.text.includes('root:'))).toBe(false);
    const target = (file: string) =>
      ({
        'apps/secret.yaml': join(tmp, 'outside/secret.yaml'),
        'linked-dir': join(tmp, 'outside'),
        'passwd.yaml': '/etc/passwd',
      })[file];
    expect(result.diagnostics).toEqual(
      ['apps/secret.yaml', 'linked-dir', 'passwd.yaml'].map((file) => ({
        severity: 'error',
        code: 'symlink-outside-repository',
        message: `symlink to ${target(file)} leaves the repository; not read`,
        location: { revision: dir, file, line: 1, column: 1 },
        dropped: file,
        reach: { kind: 'all' },
      })),
    );
  });

  it('applies include and exclude globs to relative paths', async () => {
    const result = await readRevision(
      { kind: 'directory', path: dir },
      { include: ['apps/**'], exclude: ['**/*.yml'] },
    );
    expect(result.files.map((f) => f.path)).toEqual(['apps/web/policy.yaml']);
  });

  it('throws ConfigurationError when the directory does not exist', async () => {
    await expect(
      readRevision({ kind: 'directory', path: join(tmp, 'nope') }, { include: DEFAULT_INCLUDE, exclude: [] }),
    ).rejects.toThrow(ConfigurationError);
  });
});
