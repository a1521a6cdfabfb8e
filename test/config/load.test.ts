import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { ConfigurationError } from '../../src/core/errors.js';

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'policy-diff-config-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function repoWith(name: string, files: Record<string, string>): Promise<string> {
  const repo = join(tmp, name);
  await mkdir(repo, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(repo, file), text);
  return repo;
}

describe('loadConfig', () => {
  it('returns the defaults when the repo has no config file', async () => {
    const repo = await repoWith('none', {});
    expect(await loadConfig({ repo })).toBe(DEFAULT_CONFIG);
  });

  it('reads <repo>/.policy-diff.yaml, preferring it over .yml', async () => {
    const repo = await repoWith('both', {
      '.policy-diff.yaml': 'mesh: { injection: all }\n',
      '.policy-diff.yml': 'mesh: { injection: none }\n',
    });
    const config = await loadConfig({ repo });
    expect(config.mesh.injection).toBe('all');
    expect(config.location).toEqual({
      revision: 'working-tree',
      file: join(repo, '.policy-diff.yaml'),
      line: 1,
      column: 1,
    });
  });

  it('reads <repo>/.policy-diff.yml when there is no .yaml', async () => {
    const repo = await repoWith('yml', { '.policy-diff.yml': 'mesh: { injection: none }\n' });
    expect((await loadConfig({ repo })).mesh.injection).toBe('none');
  });

  it('reads an explicit config path instead of the repo default', async () => {
    const repo = await repoWith('explicit', { '.policy-diff.yaml': 'mesh: { injection: all }\n' });
    const configPath = join(tmp, 'custom.yaml');
    await writeFile(configPath, 'exclude: ["ci/**"]\n');
    const config = await loadConfig({ repo, configPath });
    expect(config.exclude).toEqual(['ci/**']);
    expect(config.mesh.injection).toBe('labelled');
  });

  it('fails when an explicit config path does not exist', async () => {
    const missing = join(tmp, 'missing.yaml');
    const load = loadConfig({ repo: tmp, configPath: missing });
    await expect(load).rejects.toThrow(ConfigurationError);
    await expect(loadConfig({ repo: tmp, configPath: missing })).rejects.toThrow(
      `config file '${missing}' does not exist`,
    );
  });

  it('fails when the config path is a directory', async () => {
    await expect(loadConfig({ repo: tmp, configPath: tmp })).rejects.toThrow(
      `config file '${tmp}' is a directory`,
    );
  });

  it('reports validation errors with the path of the file', async () => {
    const repo = await repoWith('invalid', { '.policy-diff.yaml': 'cni:\n  ipBlockMatchesPods: maybe\n' });
    await expect(loadConfig({ repo })).rejects.toThrow(
      `${join(repo, '.policy-diff.yaml')}:2: cni.ipBlockMatchesPods: expected true or false, got the string 'maybe'`,
    );
  });
});
