import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FINDINGS_DOC_URL } from '../../src/cli/rules.js';
import { readAll } from '../../src/cli/stdin.js';
import { RULE_IDS, RULES } from '../../src/findings/rules.js';
import { VERSION } from '../../src/report/version.js';
import { runCli } from '../helpers/cli.js';

// A rendered stream, as `kustomize build` prints it: several documents in one text.
const STREAM = `apiVersion: v1
kind: Namespace
metadata: { name: prod }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: prod }
spec:
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, ports: [{ containerPort: 8080 }] }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: prod }
spec:
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, ports: [{ containerPort: 9000 }] }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-web, namespace: prod }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress:
    - from: [{ podSelector: { matchLabels: { app: web } } }]
      ports: [{ port: 9000 }]
`;

const work = mkdtempSync(join(tmpdir(), 'policy-diff-conventions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The CLI in-process with `stdin` as its standard input. */
async function withStdin(argv: string[], stdin: string | Uint8Array) {
  let stdout = '';
  let stderr = '';
  const bytes = typeof stdin === 'string' ? Buffer.from(stdin) : stdin;
  const code = await main(argv, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    cwd: work,
    stdin: async () => bytes,
  });
  return { code, stdout, stderr };
}

describe('version', () => {
  it.each([['--version'], ['-V'], ['version']])('%s prints the version', async (arg) => {
    const r = await runCli([arg]);
    expect(r).toEqual({ code: 0, stdout: `policy-diff ${VERSION}\n`, stderr: '' });
  });

  it('the help names every way, and the rules command', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toContain('-V, --version');
    expect(r.stdout).toContain('policy-diff version');
    expect(r.stdout).toContain('policy-diff rules');
  });
});

describe('policy-diff rules', () => {
  it('lists every finding rule with its default severity and title, and where the docs are', async () => {
    const r = await runCli(['rules']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    for (const id of RULE_IDS) {
      const line = lines.find((l) => l.startsWith(`${id} `));
      expect(line?.split(/ {2,}/), id).toEqual([id, RULES[id].severity, RULES[id].title]);
    }
    expect(r.stdout).toContain(FINDINGS_DOC_URL);
  });

  it('--format json: id, severity, title and doc link of each, in the registry order', async () => {
    const r = await runCli(['rules', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(
      RULE_IDS.map((id) => ({
        id,
        severity: RULES[id].severity,
        title: RULES[id].title,
        doc: FINDINGS_DOC_URL,
      })),
    );
  });

  it("links this release's docs/findings.md at its rules table", () => {
    expect(FINDINGS_DOC_URL).toMatch(
      new RegExp(`/blob/v${VERSION.replaceAll('.', '\\.')}/docs/findings\\.md#rules$`),
    );
    const doc = readFileSync(new URL('../../docs/findings.md', import.meta.url), 'utf8');
    expect(doc).toMatch(/^## Rules$/m);
  });

  it('help rules explains it; arguments and other formats are usage errors', async () => {
    expect((await runCli(['help', 'rules'])).stdout).toContain('Usage: policy-diff rules');
    expect((await runCli(['rules', '--help'])).stdout).toContain('Usage: policy-diff rules');
    expect((await runCli(['rules', 'x'])).code).toBe(2);
    expect((await runCli(['rules', '--format', 'markdown'])).code).toBe(2);
  });
});

describe("'-' reads a rendered stream from stdin", () => {
  it('matrix - is the matrix of the same text read from a file (label and file aside)', async () => {
    const dir = join(work, 'rendered');
    mkdirSync(dir);
    writeFileSync(join(dir, 'stdin'), STREAM);
    const fromFile = await runCli(['matrix', dir, '--include', 'stdin', '--format', 'json'], work);
    expect(fromFile.code).toBe(0);
    const fromStdin = await withStdin(['matrix', '-', '--format', 'json'], STREAM);
    expect(fromStdin.stderr).toBe('');
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout).revision).toBe('-');
    expect(fromStdin.stdout).toBe(fromFile.stdout.replaceAll(JSON.stringify(dir), '"-"'));
    expect(fromStdin.stdout).toContain('prod/api[Deployment]');
  });

  it('the text matrix cites stdin:line', async () => {
    const r = await withStdin(['matrix', '-'], STREAM);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('prod/web[Deployment] => prod/api[Deployment] : TCP 9000');
    expect(r.stdout).toMatch(/stdin:2\d\b/);
  });

  it('is decoded as a file is: a NUL byte is refused as kubectl refuses it (exit 3)', async () => {
    const r = await withStdin(['matrix', '-'], Buffer.from(`${STREAM}\u0000`));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('-:stdin:');
    expect(r.stderr).toContain('control-character');
  });

  it('diff takes it for one side: a directory against the stream', async () => {
    const base = join(work, 'base');
    mkdirSync(base);
    writeFileSync(join(base, 'all.yaml'), STREAM.slice(0, STREAM.lastIndexOf('---')));
    const r = await withStdin(['diff', base, '-', '--format', 'json'], STREAM);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.head.label).toBe('-');
    expect(report.summary.closed).toBeGreaterThan(0);
  });

  it('a head from stdin is the file stdin in SARIF, under no directory', async () => {
    const base = join(work, 'sarif-base');
    mkdirSync(base);
    const deny =
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: { name: deny, namespace: prod }\nspec: { podSelector: {} }\n';
    writeFileSync(join(base, 'all.yaml'), `${STREAM.slice(0, STREAM.lastIndexOf('---'))}---\n${deny}`);
    // head opens web -> api by its rule at stdin:line
    const r = await withStdin(['diff', base, '-', '--format', 'sarif'], STREAM);
    expect(r.code).toBe(0);
    const uris = [...r.stdout.matchAll(/"uri": "([^"]*)"/g)].map((m) => m[1]);
    expect(uris.length).toBeGreaterThan(0);
    expect(new Set(uris)).toEqual(new Set(['stdin']));
  });

  it('diff - - is a usage error; so is - without stdin', async () => {
    const both = await withStdin(['diff', '-', '-'], STREAM);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('at most one side from stdin');
    const none = await runCli(['matrix', '-'], work);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('reads stdin');
  });
});

describe('readAll', () => {
  async function* chunks(...parts: (string | Uint8Array)[]) {
    yield* parts;
  }

  it('joins the chunks as bytes', async () => {
    expect(Buffer.from(await readAll(chunks('a: ', Buffer.from('1\n')))).toString()).toBe('a: 1\n');
  });

  it('refuses more than the limit', async () => {
    await expect(readAll(chunks('12345', '6'), 5)).rejects.toThrow(/more than 5 bytes/);
  });
});
