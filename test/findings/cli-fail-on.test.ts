import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { deployment, NAMESPACES, SIDECAR_EGRESS } from './helpers.js';

let dir = '';
const DENY = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Egress] }
`;

async function side(name: string, text: string) {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, 'all.yaml'), text);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'policy-diff-findings-'));
  const ok = NAMESPACES + SIDECAR_EGRESS('shop') + deployment('shop', 'api');
  await side('base', ok);
  // New error: deny-all egress forgets istiod and DNS.
  await side('error', NAMESPACES + deployment('shop', 'api') + DENY);
  // New warning only: a low CPU request.
  await side(
    'warning',
    NAMESPACES +
      SIDECAR_EGRESS('shop') +
      deployment('shop', 'api', {
        annotations: { 'sidecar.istio.io/proxyCPU': '10m', 'sidecar.istio.io/proxyMemory': '1Gi' },
      }),
  );
  await side('broken', `${ok}\n---\nkind: [unclosed\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(head: string, ...flags: string[]) {
  let stderr = '';
  const code = await main(['diff', join(dir, 'base'), join(dir, head), '--repo', dir, ...flags], {
    stdout: () => {},
    stderr: (s) => {
      stderr += s;
    },
    cwd: dir,
  });
  return { code, stderr };
}

describe('policy-diff diff --fail-on', () => {
  it('default error: a new error finding exits 1 and says why', async () => {
    const r = await run('error');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/new error finding/);
  });
  it('default error: a new warning passes', async () => {
    expect((await run('warning')).code).toBe(0);
  });
  it('warning and info: a new warning fails', async () => {
    expect((await run('warning', '--fail-on', 'warning')).code).toBe(1);
    expect((await run('warning', '--fail-on', 'info')).code).toBe(1);
  });
  it('none: nothing fails but an incomplete analysis', async () => {
    expect((await run('error', '--fail-on', 'none')).code).toBe(0);
    expect((await run('broken', '--fail-on', 'none')).code).toBe(3);
  });
  it('no change: 0', async () => {
    expect((await run('base')).code).toBe(0);
  });
  it('an unknown value is a usage error', async () => {
    expect((await run('base', '--fail-on', 'fatal')).code).toBe(2);
  });
});
