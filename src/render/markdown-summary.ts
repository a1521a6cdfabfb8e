import type { CauseGroup, ChangeGrouping } from '../report/cause-groups.js';
import {
  byRisk,
  changeClass,
  changeRisk,
  findingRisk,
  isGaining,
  type Risk,
  type RiskFactor,
  type RiskOptions,
} from '../report/risk.js';
import type { Finding, Report } from '../report/types.js';
import { code, escapeMarkdown } from './escape.js';
import { groupTitle } from './group.js';
import { markdownLocation, type ReportLinks } from './links.js';
import { CLASS_ICON, riskText, ruleMarkdown } from './markdown-changes.js';
import { l7ChangeText, noPathChanged } from './wording.js';

/** Rows of the summary table at most: the riskiest changes and new errors; the rest are below it. */
export const SUMMARY_ROWS = 12;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The headline: the verdict in counts, riskiest kind first — `opens 12 paths, 1 from outside the
 * cluster; widens 2; closes 2; 1 new error`. Counts include pairs too many to list (summary).
 */
export function headline(report: Report, risk: RiskOptions = {}): string {
  if (noPathChanged(report) && !report.incomplete && report.summary.findings.new === 0)
    return 'no change in who can reach whom';
  const classes = report.changes.map(changeClass);
  const n = (k: string) => classes.filter((c) => c === k).length;
  const gainingWith = (factor: RiskFactor) =>
    report.changes.filter((c) => isGaining(changeClass(c)) && changeRisk(c, risk).factors.includes(factor))
      .length;
  const outside = gainingWith('outside');
  const mtls = gainingWith('mtlsLost');
  const omittedChanged = report.omitted?.changed ?? 0;
  const parts: string[] = [];
  if (report.summary.opened)
    parts.push(
      `opens ${plural(report.summary.opened, 'path')}${outside ? `, ${outside} from outside the cluster` : ''}`,
    );
  else if (outside) parts.push(`${outside} from outside the cluster`);
  if (mtls) parts.push(`${mtls} no longer requiring mTLS`);
  if (n('widened')) parts.push(`widens ${n('widened')}`);
  if (report.summary.closed) parts.push(`closes ${report.summary.closed}`);
  if (n('narrowed')) parts.push(`narrows ${n('narrowed')}`);
  if (n('changed') + omittedChanged) parts.push(`changes ${n('changed') + omittedChanged} both ways`);
  if (parts.length === 0) parts.push('no change in who can reach whom');
  const fresh = report.findings.filter((f) => f.status === 'new');
  const errors = fresh.filter((f) => f.severity === 'error').length;
  if (errors) parts.push(`${plural(errors, 'new error')}`);
  if (fresh.length - errors) parts.push(`${plural(fresh.length - errors, 'new finding')}`);
  return `${report.incomplete ? 'analysis incomplete; ' : ''}${parts.join('; ')}`;
}

type Row = { readonly risk: Risk } & ({ readonly group: CauseGroup } | { readonly finding: Finding });

/** The summary table's parts: header lines, one Markdown row per item, and how many did not make it. */
export interface SummaryTable {
  readonly header: string;
  readonly rows: readonly string[];
  readonly more: number;
}

/**
 * The summary table, riskiest first: one row per cause group and per new error finding (at most
 * SUMMARY_ROWS), then how many more are below. Undefined when there is nothing to rank.
 */
export function summaryTable(
  report: Report,
  grouping: ChangeGrouping,
  links?: ReportLinks,
): SummaryTable | undefined {
  const rows: Row[] = [
    ...grouping.groups.map((group) => ({ group, risk: group.risk })),
    ...report.findings
      .filter((f) => f.status === 'new' && f.severity === 'error')
      .map((finding) => ({ finding, risk: findingRisk(finding) })),
  ];
  if (rows.length === 0) return undefined;
  const ranked = byRisk(rows, (r) => r.risk);
  const shown = ranked.slice(0, SUMMARY_ROWS);
  return {
    header: '| | From → to | Newly allowed or lost | Stands out | Rule |\n|---|---|---|---|---|',
    rows: shown.map(
      (r) =>
        `| ${('group' in r ? groupRow(r.group, links) : findingRow(r.finding, links)).map(cell).join(' | ')} |`,
    ),
    more: ranked.length - shown.length,
  };
}

/** A table cell: `|` would end it, even inside a code span, unless escaped (GFM tables). */
function cell(text: string): string {
  return text.replace(/(?<!\\)\|/g, '\\|');
}

function groupRow(g: CauseGroup, links?: ReportLinks): string[] {
  const t = groupTitle(g);
  const target = t.targetCount === 1 ? code(t.target[0]!) : `${t.targetCount} workloads`;
  const peers = t.count === 1 ? code(t.first) : `${plural(t.count, t.noun)}`;
  const [from, to] = g.side === 'destination' ? [peers, target] : [target, peers];
  return [
    `${CLASS_ICON[g.class]} ${g.class}`,
    `${from} → ${to}`,
    whatText(g),
    riskText(g.risk) || '—',
    g.cause ? ruleMarkdown(g.cause, links) : 'no rule names it',
  ];
}

/** What the group's pairs gained (or lost): their distinct connections, or the L7 scope's move. */
function whatText(g: CauseGroup): string {
  const gaining = isGaining(g.class);
  const values = [
    ...new Set(
      g.changes.map(({ change: c }) => {
        const conns = gaining ? c.added : c.removed;
        return conns ? code(conns) : c.l7Change ? l7ChangeText(c.l7Change) : code(c.after);
      }),
    ),
  ];
  return `${values.slice(0, 2).join(', ')}${values.length > 2 ? ', …' : ''}`;
}

function findingRow(f: Finding, links?: ReportLinks): string[] {
  const where = f.locations[0] ? ` (${markdownLocation(f.locations[0], 'head', links)})` : '';
  const pair = [f.source, f.destination].filter((x) => x !== undefined).map((x) => code(x));
  const title = f.title.length > 120 ? `${f.title.slice(0, 119)}…` : f.title;
  return [
    '⛔ new error',
    pair.join(' → ') || '—',
    escapeMarkdown(title),
    'new error',
    `${code(f.rule)}${where}`,
  ];
}
