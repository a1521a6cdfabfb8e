import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { TempRepo } from '../helpers/git-repo.js';
import { ap, mesh } from './helpers.js';

const deployment = (name: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: prod }
spec:
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      serviceAccountName: ${name}
      containers:
        - name: ${name}
          ports: [{ name: http, containerPort: 8080 }]
`;
const APPS = `apiVersion: v1
kind: Namespace
metadata: { name: prod, labels: { istio-injection: enabled } }
${deployment('web')}${deployment('api')}${deployment('other')}`;

/** Only web may call api; `field` is how the source's principals are spelled. */
const allowWeb = (field: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-web, namespace: prod }
spec:
  selector:
    matchLabels: { app: api }
  rules:
    - from:
        - source:
            ${field}: ["cluster.local/ns/prod/sa/web"]
`;

const run = (argv: string[]) => runCli(argv);

interface JsonReport {
  incomplete: boolean;
  changes: { kind: string; source: { id: string }; destination: { id: string }; uncertain: boolean }[];
  diagnostics: {
    severity: string;
    code: string;
    message: string;
    location?: { file: string; line: number };
  }[];
}

describe('AuthorizationPolicy fields are decoded strictly (R4)', () => {
  const repo = new TempRepo();
  let base = '';
  let head = '';

  beforeAll(() => {
    base = repo.write({ 'apps.yaml': APPS, 'authz.yaml': allowWeb('principals') }).commit('base');
    head = repo.write({ 'authz.yaml': allowWeb('principal') }).commit('typo');
  });
  afterAll(() => repo.cleanup());

  it('a typo of `principals` fails closed: located error with the field meant, uncertain changes, exit 3', async () => {
    const r = await run(['diff', base, head, '--repo', repo.dir, '--format', 'json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.incomplete).toBe(true);
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.message)).toEqual([
      'AuthorizationPolicy prod/allow-web: spec.rules[0].from[0].source.principal: unknown field "principal" (did you mean "principals"?)',
    ]);
    expect(errors[0]?.location).toMatchObject({ file: 'authz.yaml', line: 10 });
    // Whatever the policy would have opened toward api is uncertain, not a confident "opened".
    const toApi = report.changes.filter((c) => c.destination.id === 'prod/api[Deployment]');
    expect(toApi.map((c) => c.source.id)).toContain('prod/other[Deployment]');
    expect(toApi.every((c) => c.uncertain)).toBe(true);
  });

  it('names the revision, file and line in the text report', async () => {
    const r = await run(['diff', base, head, '--repo', repo.dir]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('ANALYSIS INCOMPLETE');
    expect(r.stdout).toMatch(new RegExp(`${head}:authz\\.yaml:10:\\d+: error: .*unknown field "principal"`));
  });
});

describe('AuthorizationPolicy schema errors make the policy take no effect', () => {
  const diagnostics = (spec: string) =>
    mesh(ap('x', 'app', spec))
      .engine.diagnostics.filter((d) => d.code === 'istio-invalid-authz')
      .map((d) => d.message.replace('AuthorizationPolicy app/x: ', ''));

  it.each([
    [
      'an unknown spec field',
      'selectr: {matchLabels: {app: server}}\nrules: [{}]',
      'spec.selectr: unknown field "selectr" (did you mean "selector"?)',
    ],
    [
      'an unknown operation field',
      'rules: [{to: [{operation: {method: [GET]}}]}]',
      'spec.rules[0].to[0].operation.method: unknown field "method" (did you mean "methods"?)',
    ],
    [
      'an unknown when field',
      'rules: [{when: [{key: source.ip, value: ["10.0.0.0/8"]}]}]',
      'spec.rules[0].when[0].value: unknown field "value" (did you mean "values"?)',
    ],
    ['a mistyped action', 'action: [DENY]\nrules: [{}]', 'spec.action: must be a string, got ["DENY"]'],
    ['a mistyped selector', 'selector: [app]\nrules: [{}]', 'spec.selector: must be an object, got ["app"]'],
    [
      'a null rule (not `{}`, which would match everything)',
      'rules: [null]',
      'spec.rules[0]: must be an object, got null',
    ],
    [
      'a mistyped list',
      'rules: [{from: [{source: {principals: "cluster.local/ns/app/sa/client"}}]}]',
      'spec.rules[0].from[0].source.principals: must be a list, got "cluster.local/ns/app/sa/client"',
    ],
  ])('%s', (_, spec, message) => {
    expect(diagnostics(spec)).toContain(message);
  });

  it('a DENY with an unknown field denies nothing and leaves the cell uncertain', () => {
    const run = mesh(ap('x', 'app', 'action: DENY\nrules: [{from: [{source: {principal: ["*"]}}]}]'));
    const cell = run.cell('client');
    expect(cell.uncertain).toBe(true);
    expect(cell.segments.every((s) => s.verdict !== 'none')).toBe(true);
  });
});
