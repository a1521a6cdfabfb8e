import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFiles } from '../git/helpers.js';
import { config, render, tempDir } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function dir(prefix: string): string {
  const d = tempDir(prefix);
  cleanups.push(d.remove);
  return d.path;
}

/** A `kustomize` that fails the way kubectl does on a deep tree: long temp paths, then the cause. */
function failingKustomize(): string {
  const bin = dir('bin');
  // cwd is the render dir; kustomize names files by their absolute temp paths.
  const line =
    'echo "accumulating resources from $PWD/repo/apps/pipeline/upstream/base/metadata/overlays/db: ';
  const script = `#!/bin/sh\nfor i in 1 2 3 4 5; do ${line}"; done >&2\necho "missing: $PWD/repo/app/gone.yaml" >&2\nexit 1\n`;
  writeFiles(bin, { kustomize: script });
  chmodSync(join(bin, 'kustomize'), 0o755);
  return `${bin}:/usr/bin:/bin`;
}

describe('render-failed messages', () => {
  it('show repository paths: temp paths are replaced before the message is cut to length', async () => {
    const path = dir('repo');
    writeFiles(path, { 'app/kustomization.yaml': 'resources:\n  - np.yaml\n', 'app/np.yaml': 'kind: X\n' });
    const out = await render({ kind: 'directory', path }, config(), { searchPath: failingKustomize() });
    const message = out.diagnostics.find((d) => d.code === 'render-failed')?.message ?? '';
    expect(message).toContain('accumulating resources from apps/pipeline/upstream/base/metadata/overlays/db');
    expect(message).not.toMatch(/\/tmp|policy-diff-render-/);
    // Cut only after cleaning: the temp prefixes alone would push the last line past the cut.
    expect(message).toMatch(/\| missing: app\/gone\.yaml$/);
  });
});
