import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { runDiff } from '../../src/run.js';
import { commitAll, initRepo } from '../git/helpers.js';
import { copyFixture, hasKustomize, tempDir } from './helpers.js';

const ALSO_CLIENT = `        - podSelector:
            matchLabels:
              app: client
`;

function summary(report: Report): string[] {
  return report.changes.map(
    (c) => `${c.kind} ${c.source.id} -> ${c.destination.id}: ${c.added || c.removed}`,
  );
}

describe.skipIf(!hasKustomize)('runDiff on a git repository with overlays', () => {
  const repo = tempDir('diff');
  let base = '';
  let head = '';

  beforeAll(() => {
    initRepo(repo.path);
    copyFixture('basic', repo.path);
    base = commitAll(repo.path, 'overlays');
    const patch = join(repo.path, 'overlays/prod/netpol-patch.yaml');
    const text = readFileSync(patch, 'utf8');
    writeFileSync(patch, text.replace('      ports:\n', `${ALSO_CLIENT}      ports:\n`));
    head = commitAll(repo.path, 'prod: client may call web');
  });
  afterAll(() => repo.remove());

  it('reports only the path the overlay opened, caused by the patch file', async () => {
    const { report } = await runDiff({ repo: repo.path, base, head, layer: 'l4' });
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(summary(report)).toEqual(['opened prod/client[Deployment] -> prod/web[Deployment]: TCP 8080']);
    const causes = report.changes[0]?.causes ?? [];
    expect(causes.map((c) => [c.revision, c.effect, c.rule])).toContainEqual([
      'head',
      'allows',
      'NetworkPolicy prod/web-ingress ingress[0]',
    ]);
    const allow = causes.find((c) => c.effect === 'allows');
    expect(allow?.location).toMatchObject({
      revision: head,
      file: 'overlays/prod/netpol-patch.yaml',
      line: 8,
    });
  });

  it('a change in the base reaches only the overlay that does not patch it, caused by the base file', async () => {
    const netpol = join(repo.path, 'base/netpol.yaml');
    writeFileSync(netpol, readFileSync(netpol, 'utf8').replace('port: 8080', 'port: 9090'));
    const next = commitAll(repo.path, 'base: web listens on 9090');
    const { report } = await runDiff({ repo: repo.path, base: head, head: next, layer: 'l4' });
    expect(report.incomplete).toBe(false);
    expect(
      report.changes.map((c) => `${c.kind} ${c.source.id} -> ${c.destination.id}: +${c.added} -${c.removed}`),
    ).toEqual(['changed dev/dev-client[Deployment] -> dev/dev-web[Deployment]: +TCP 9090 -TCP 8080']);
    const allow = report.changes[0]?.causes.find((c) => c.revision === 'head' && c.effect === 'allows');
    expect(allow?.location).toMatchObject({ revision: next, file: 'base/netpol.yaml', line: 12 });
  });
});
