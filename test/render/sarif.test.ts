import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/findings/rules.js';
import { FINDING_RULE_DOCS } from '../../src/render/finding-docs.js';
import { buildSarif, renderSarif } from '../../src/render/sarif.js';
import { VERSION } from '../../src/report/version.js';
import { runDiff } from '../../src/run.js';
import { cause, change, finding, loc, report } from '../action/report-fixture.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

// The SARIF 2.1.0 schema (draft-04), as Microsoft's sarif-js-sdk ships it: offline, no download.
const require = createRequire(import.meta.url);
const schema = JSON.parse(
  readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
);
// The schema's language pattern (`...]?$`) is not a valid Unicode regular expression: read it as
// JSON Schema draft-04 meant it, an ECMA-262 regex without the `u` flag.
const ajv = new Ajv.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

function expectValid(log: unknown): void {
  const ok = validate(log);
  expect(ok ? [] : validate.errors).toEqual([]);
  // Errata 01 adds what rtm.5 leaves out: every region names where it starts.
  for (const r of (log as ReturnType<typeof buildSarif>).runs[0].results)
    for (const l of [...r.locations, ...(r.relatedLocations ?? [])])
      expect(l.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
}

describe('SARIF', () => {
  it('the demo validates against the SARIF 2.1.0 schema, with rules, results and the tool version', async () => {
    const { report: demo } = await runDiff({
      repo: PROJECT_ROOT,
      base: 'fixtures/demo/base',
      head: 'fixtures/demo/head',
    });
    const log = buildSarif(demo, { headDirectory: 'fixtures/demo/head' });
    expectValid(log);
    const run = log.runs[0];
    expect(run.tool.driver.version).toBe(VERSION);
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(ids).toContain('path-opened');
    expect(ids).toContain('path-widened');
    // ruleIndex points at the rule of the same id.
    for (const r of run.results) expect(ids[r.ruleIndex]).toBe(r.ruleId);
    for (const rule of run.tool.driver.rules) {
      expect(rule.help.markdown.length).toBeGreaterThan(rule.shortDescription.text.length);
      expect(rule.fullDescription.text).not.toBe('');
    }
    // New findings only: 6 in the demo (existing and fixed ones are not alerts of this change).
    expect(run.results.filter((r) => !r.ruleId.startsWith('path-'))).toHaveLength(6);
    const uris = run.results.flatMap((r) => r.locations.map((l) => l.physicalLocation.artifactLocation));
    for (const u of uris) {
      expect(u.uriBaseId).toBe('%SRCROOT%');
      expect(u.uri.startsWith('fixtures/demo/head/')).toBe(true);
    }
    // The L7-widened pair (storefront -> catalog) is a widening on the AuthorizationPolicy's line.
    const widened = run.results.filter((r) => r.ruleId === 'path-widened');
    expect(widened.map((r) => r.message.text)).toEqual([
      expect.stringContaining('web/storefront[Deployment] -> shop/catalog[Deployment] (L7 scope widened'),
    ]);
  });

  it('one result per head rule that opens paths, on its line, with the pairs it opens; fingerprints stable', () => {
    const allowAll = cause({
      rule: 'NetworkPolicy shop/allow-all ingress[0]',
      location: loc('netpol.yaml', 7),
    });
    const r = report({
      changes: [
        change({ causes: [allowAll] }),
        change({ source: { id: '0.0.0.0-255.255.255.255[External]', kind: 'external' }, causes: [allowAll] }),
        change({ kind: 'closed', causes: [cause({ revision: 'base' })] }),
      ],
    });
    const log = buildSarif(r);
    expectValid(log);
    const results = log.runs[0].results;
    expect(results).toHaveLength(1);
    expect(results[0]!.message.text).toBe(
      'NetworkPolicy shop/allow-all ingress[0] opens 2 paths: web/front[Deployment] -> shop/api[Deployment] (TCP 8080); 0.0.0.0-255.255.255.255[External] -> shop/api[Deployment] (TCP 8080).',
    );
    expect(results[0]!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'netpol.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 7, startColumn: 1 },
    });
    // The same rule moved down its file keeps its alert's fingerprint.
    const moved = cause({ ...allowAll, location: loc('netpol.yaml', 30) });
    const later = buildSarif(report({ changes: [change({ causes: [moved] })] }));
    expect(later.runs[0].results[0]!.partialFingerprints).toEqual(results[0]!.partialFingerprints);
  });

  it('an opening by an mTLS downgrade sits on the PeerAuthentication at head, not only on the allow rule', () => {
    const r = report({
      changes: [
        change({
          causes: [
            cause(),
            cause({
              revision: 'base',
              effect: 'denies',
              rule: 'PeerAuthentication shop/default: STRICT mTLS rejects plaintext',
              location: loc('mtls.yaml', 8, 'base'),
            }),
            cause({
              effect: 'denies',
              rule: 'PeerAuthentication shop/default: PERMISSIVE accepts plaintext',
              location: loc('mtls.yaml', 9),
            }),
          ],
        }),
      ],
    });
    const results = buildSarif(r).runs[0].results;
    expect(
      results.map((x) => [
        x.locations[0]!.physicalLocation.artifactLocation.uri,
        x.message.text.slice(0, 60),
      ]),
    ).toEqual([
      ['mtls.yaml', 'PeerAuthentication shop/default no longer denies what it den'],
      ['policies/shop/allow-web.yaml', 'NetworkPolicy shop/allow-web ingress[0] opens 1 path: web/fr'],
    ]);
  });

  it('findings take their level from severity; base-only locations and unplaced paths become notifications', () => {
    const r = report({
      changes: [change({ causes: [], workloadsDiff: 'workload web/new[Deployment] added' })],
      findings: [
        finding({ severity: 'info', locations: [loc('a.yaml', 3), loc('b.yaml', 4)] }),
        finding({ severity: 'warning', locations: [loc('old.yaml', 1, 'base')] }),
        finding({ severity: 'error', status: 'existing' }),
      ],
    });
    const log = buildSarif(r);
    expectValid(log);
    const run = log.runs[0];
    expect(run.results.map((x) => [x.ruleId, x.level, x.relatedLocations?.length])).toEqual([
      ['sidecar-resources', 'note', 1],
    ]);
    expect(run.invocations[0].toolExecutionNotifications.map((n) => n.message.text)).toEqual([
      '1 opened or widened path has no rule at head to point at (no policy restricts it): web/front[Deployment] -> shop/api[Deployment] (workload web/new[Deployment] added)',
    ]);
  });

  it('an incomplete report says so, with its head errors as results on their line', () => {
    const base = report({ incomplete: true });
    const r = {
      ...base,
      diagnostics: [
        { severity: 'error' as const, code: 'yaml-syntax', message: 'bad: "x', location: loc('a.yaml', 2) },
        {
          severity: 'error' as const,
          code: 'yaml-syntax',
          message: 'bad',
          location: loc('a.yaml', 2, 'base'),
        },
      ],
    };
    const log = buildSarif(r);
    expectValid(log);
    expect(log.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(log.runs[0].results.map((x) => [x.ruleId, x.level])).toEqual([['input-not-understood', 'error']]);
    expect(log.runs[0].invocations[0].toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: 'base:a.yaml:2:1: bad [yaml-syntax]' },
        descriptor: { id: 'yaml-syntax' },
      },
    ]);
  });

  it('neutralises control characters and bidi overrides quoted from input', () => {
    const evil = change({ source: { id: 'a\u202e\u001b[31mb', kind: 'workload', namespace: 'a' } });
    const text = renderSarif(report({ changes: [evil] }));
    expect(text).not.toMatch(/\\u001b|\\u202e/);
    expect(text).toContain('\\\\u001B');
  });

  it("every finding rule's help is docs/findings.md's table, word for word", () => {
    const docs = readFileSync(`${PROJECT_ROOT}/docs/findings.md`, 'utf8');
    const rows = new Map(
      [...docs.matchAll(/^\| `([a-z0-9-]+)` \| \w+ \| (.*) \| (.*) \|\s*$/gm)].map((m) => [
        m[1]!,
        { meaning: m[2]!, fix: m[3]! },
      ]),
    );
    // Run `python3` or edit src/render/finding-docs.ts by hand when the docs' table changes.
    expect(FINDING_RULE_DOCS).toEqual(Object.fromEntries(rows));
    for (const id of RULE_IDS.filter((id) => rows.has(id))) expect(FINDING_RULE_DOCS[id]).toBeDefined();
  });
});
