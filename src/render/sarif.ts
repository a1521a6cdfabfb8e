import { createHash } from 'node:crypto';
import type { Diagnostic } from '../core/diagnostics.js';
import { fullLocation, type SourceLocation } from '../core/location.js';
import { neutralise } from '../core/safe-text.js';
import type { Cause, Finding, PathChange, Report } from '../report/types.js';
import { openingPlaces } from './opening-causes.js';
import {
  INPUT_NOT_UNDERSTOOD,
  levelOfSeverity,
  PATH_OPENED,
  PATH_WIDENED,
  type SarifLevel,
  type SarifRule,
  sarifRule,
} from './sarif-rules.js';

// SARIF 2.1.0 (OASIS Standard, errata 01), the subset GitHub code scanning reads:
// https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
// test/render/sarif.test.ts validates the output against the official JSON schema.

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Code scanning resolves `%SRCROOT%` to the repository's root: URIs stay repository-relative. */
const SRCROOT = '%SRCROOT%';
/** Our fingerprint's name in `partialFingerprints` (code scanning adds its own line hash beside it). */
const FINGERPRINT = 'policyDiff/v1';
/** Pairs named in one path result's message; the rest are counted. */
const PAIRS_NAMED = 20;

export interface SarifOptions {
  /**
   * Repository-relative directory head's files are relative to, when head was read from a
   * directory (the report's files are relative to the side they come from). Absent: the root.
   */
  readonly headDirectory?: string;
}

interface PhysicalLocation {
  readonly physicalLocation: {
    readonly artifactLocation: { readonly uri: string; readonly uriBaseId: string };
    readonly region: { readonly startLine: number; readonly startColumn?: number };
  };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: { readonly text: string };
  readonly locations: readonly PhysicalLocation[];
  readonly relatedLocations?: readonly (PhysicalLocation & { readonly id: number })[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
}

interface Notification {
  readonly level: SarifLevel;
  readonly message: { readonly text: string };
  readonly descriptor?: { readonly id: string };
  readonly locations?: readonly PhysicalLocation[];
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly [
    {
      readonly tool: {
        readonly driver: {
          readonly name: string;
          readonly version: string;
          readonly semanticVersion: string;
          readonly rules: readonly SarifRule[];
        };
      };
      readonly invocations: readonly [
        {
          readonly executionSuccessful: boolean;
          readonly toolExecutionNotifications: readonly Notification[];
        },
      ];
      readonly columnKind: 'utf16CodeUnits';
      readonly results: readonly SarifResult[];
      readonly properties: Readonly<Record<string, unknown>>;
    },
  ];
}

/** The report as a SARIF 2.1.0 log, pretty-printed: deterministic for the same report. */
export function renderSarif(report: Report, options: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarif(report, options), null, 2)}\n`;
}

/** Only head's files exist in the checkout code scanning looks at; base locations go in the text. */
class Placer {
  private readonly prefix: string;
  constructor(
    private readonly report: Report,
    options: SarifOptions,
  ) {
    const dir = (options.headDirectory ?? '').replace(/\/+$/, '').replace(/^\.\/?/, '');
    this.prefix = dir === '' ? '' : `${dir}/`;
  }

  at(loc: SourceLocation): PhysicalLocation | undefined {
    if (loc.revision !== this.report.head.label) return undefined;
    return {
      physicalLocation: {
        artifactLocation: { uri: encodeUri(`${this.prefix}${loc.file}`), uriBaseId: SRCROOT },
        region: { startLine: Math.max(1, loc.line), ...(loc.column >= 1 && { startColumn: loc.column }) },
      },
    };
  }
}

/** A relative URI reference: each path segment percent-encoded, the slashes kept. */
function encodeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Messages quote input (names, values): on one line, controls and bidi overrides shown as `\\uXXXX`. */
function msg(text: string): { readonly text: string } {
  return { text: neutralise(text) };
}

function fingerprint(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

export function buildSarif(report: Report, options: SarifOptions = {}): SarifLog {
  const placer = new Placer(report, options);
  const ruleIds: string[] = [];
  const indexOf = (id: string) => {
    const i = ruleIds.indexOf(id);
    if (i >= 0) return i;
    ruleIds.push(id);
    return ruleIds.length - 1;
  };
  const notifications: Notification[] = [];
  const results = [
    ...pathResults(report, placer, indexOf, notifications),
    ...report.findings.filter((f) => f.status === 'new').flatMap((f) => findingResult(f, placer, indexOf)),
    ...diagnosticResults(report, placer, indexOf, notifications),
  ];
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules: ruleIds.map(sarifRule),
          },
        },
        invocations: [{ executionSuccessful: !report.incomplete, toolExecutionNotifications: notifications }],
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          base: report.base,
          head: report.head,
          layer: report.layer,
          incomplete: report.incomplete,
          summary: report.summary,
        },
      },
    ],
  };
}

/** A pair that head allows more than base did: opened, or changed with something added (L4 or L7). */
export function widensAccess(c: PathChange): typeof PATH_OPENED | typeof PATH_WIDENED | undefined {
  if (c.kind === 'opened') return PATH_OPENED;
  if (c.kind !== 'changed') return undefined;
  if (c.added !== '' || c.l7Change === 'widened' || c.l7Change === 'changed') return PATH_WIDENED;
  return undefined;
}

function pairText(c: PathChange, cause: Cause): string {
  const what =
    c.kind === 'opened'
      ? cause.conns || c.after
      : c.added !== ''
        ? `${c.added} added`
        : `L7 scope ${c.l7Change === 'changed' ? 'changed both ways' : 'widened'}${cause.conns ? ` on ${cause.conns}` : ''}`;
  return `${c.source.id} -> ${c.destination.id} (${what}${c.uncertain ? ', uncertain' : ''})`;
}

interface PathGroup {
  readonly ruleId: string;
  readonly cause: Cause;
  readonly name: string;
  readonly lifted: boolean;
  readonly where: PhysicalLocation;
  readonly pairs: string[];
  uncertain: number;
}

/**
 * One result per head rule that opens or widens paths, on that rule's line, naming the pairs it
 * lets through: a rule that opens a namespace to 40 sources is one alert to review, not 40.
 */
function pathResults(
  report: Report,
  placer: Placer,
  indexOf: (id: string) => number,
  notifications: Notification[],
): SarifResult[] {
  const groups = new Map<string, PathGroup>();
  const unplaced: string[] = [];
  for (const c of report.changes) {
    const ruleId = widensAccess(c);
    if (!ruleId) continue;
    let placed = false;
    for (const { cause, name, lifted } of openingPlaces(c)) {
      const where = placer.at(cause.location);
      if (!where) continue;
      placed = true;
      const key = `${ruleId}\u0000${name}\u0000${fullLocation(cause.location)}`;
      const group = groups.get(key) ?? { ruleId, cause, name, lifted, where, pairs: [], uncertain: 0 };
      groups.set(key, group);
      group.pairs.push(pairText(c, cause));
      if (c.uncertain) group.uncertain++;
    }
    if (!placed)
      unplaced.push(`${c.source.id} -> ${c.destination.id}${c.workloadsDiff ? ` (${c.workloadsDiff})` : ''}`);
  }
  if (unplaced.length)
    notifications.push({
      level: 'warning',
      descriptor: { id: PATH_OPENED },
      message: msg(
        `${unplaced.length} opened or widened path${unplaced.length === 1 ? ' has' : 's have'} no rule at head to point at (no policy restricts ${unplaced.length === 1 ? 'it' : 'them'}): ${named(unplaced)}`,
      ),
    });
  return [...groups.values()].map((g) => {
    const verb = g.ruleId === PATH_OPENED ? 'opens' : 'widens';
    const n = g.pairs.length;
    const doubt = g.uncertain
      ? ` ${g.uncertain} of them uncertain: input that could explain them was not understood.`
      : '';
    return {
      ruleId: g.ruleId,
      ruleIndex: indexOf(g.ruleId),
      level: 'warning',
      message: msg(
        `${g.name}${g.lifted ? ' no longer denies what it denied in base: it' : ''} ${verb} ${n} path${n === 1 ? '' : 's'}: ${named(g.pairs)}.${doubt}`,
      ),
      locations: [g.where],
      // The rule's name, not its line: moving the rule in its file keeps the alert.
      partialFingerprints: {
        [FINGERPRINT]: fingerprint(g.ruleId, g.name, g.where.physicalLocation.artifactLocation.uri),
      },
    };
  });
}

function named(items: readonly string[]): string {
  const shown = items.slice(0, PAIRS_NAMED).join('; ');
  return items.length > PAIRS_NAMED ? `${shown}; and ${items.length - PAIRS_NAMED} more` : shown;
}

/** A new finding, on its first location at head; its other head locations are related. */
function findingResult(f: Finding, placer: Placer, indexOf: (id: string) => number): SarifResult[] {
  const placed = f.locations.flatMap((l) => placer.at(l) ?? []);
  const [first, ...rest] = placed;
  // Code scanning needs a location; a finding with none at head is in the PR comment and JSON only.
  if (!first) return [];
  const subject = [f.source, f.destination].filter((x) => x !== undefined).join(' -> ');
  return [
    {
      ruleId: f.rule,
      ruleIndex: indexOf(f.rule),
      level: levelOfSeverity(f.severity),
      message: msg(`${f.title}. ${f.message}`),
      locations: [first],
      ...(rest.length && { relatedLocations: rest.map((l, i) => ({ id: i + 1, ...l })) }),
      partialFingerprints: {
        [FINGERPRINT]: fingerprint(f.rule, f.title, subject, first.physicalLocation.artifactLocation.uri),
      },
    },
  ];
}

/**
 * Errors at head are results on their line (the fix is there); the others, and warnings, are the
 * invocation's notifications, so a log that is incomplete says why.
 */
function diagnosticResults(
  report: Report,
  placer: Placer,
  indexOf: (id: string) => number,
  notifications: Notification[],
): SarifResult[] {
  const results: SarifResult[] = [];
  for (const d of report.diagnostics) {
    if (d.severity === 'note') continue;
    const where = d.location && placer.at(d.location);
    if (d.severity === 'error' && where) {
      results.push({
        ruleId: INPUT_NOT_UNDERSTOOD,
        ruleIndex: indexOf(INPUT_NOT_UNDERSTOOD),
        level: 'error',
        message: msg(diagnosticText(d)),
        locations: [where],
        partialFingerprints: {
          [FINGERPRINT]: fingerprint(
            INPUT_NOT_UNDERSTOOD,
            d.code,
            d.message,
            where.physicalLocation.artifactLocation.uri,
          ),
        },
      });
      continue;
    }
    notifications.push({
      level: d.severity === 'error' ? 'error' : 'warning',
      message: msg(`${d.location ? `${fullLocation(d.location)}: ` : ''}${diagnosticText(d)}`),
      descriptor: { id: d.code },
      ...(where && { locations: [where] }),
    });
  }
  return results;
}

function diagnosticText(d: Diagnostic): string {
  return `${d.message}${d.dropped ? ` (dropped: ${d.dropped})` : ''} [${d.code}]`;
}
