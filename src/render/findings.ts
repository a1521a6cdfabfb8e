import type { SourceLocation } from '../core/location.js';
import { RULES, type RuleId } from '../findings/rules.js';
import type { Finding, FindingStatus, Report } from '../report/types.js';
import { type Style, type StyledLine, styled } from './ansi.js';
import type { Section } from './budget.js';
import { code, escapeMarkdown, sanitize } from './escape.js';
import { markdownLocation, type ReportLinks } from './links.js';
import { messageMarkdown } from './rule-links.js';

/** `revision:file:line`, the form findings cite. */
export function findingLocation(l: SourceLocation): string {
  return `${l.revision}:${l.file}:${l.line}`;
}

const byStatus = (report: Report, s: FindingStatus): Finding[] =>
  report.findings.filter((f) => f.status === s);

function pair(f: Finding): string {
  if (f.source !== undefined && f.destination !== undefined) return `${f.source} -> ${f.destination}`;
  return f.source ?? f.destination ?? '';
}

const SEVERITY_STYLE: Readonly<Record<Finding['severity'], Style | undefined>> = {
  error: 'closed',
  warning: 'changed',
  info: undefined,
};

/**
 * The text report's findings: `fresh` (new ones in full, placed after what the change opens) and
 * `rest` (fixed and accepted briefly, existing one line each up to EXISTING_SHOWN, then a count).
 */
export function findingTextSections(report: Report): { fresh: StyledLine[]; rest: StyledLine[] } {
  const fresh: StyledLine[] = [];
  const rest: StyledLine[] = [];
  const news = byStatus(report, 'new');
  if (news.length) {
    fresh.push(styled(''), styled(`New findings (${news.length})`, 'bold'));
    for (const f of news) {
      const style = SEVERITY_STYLE[f.severity];
      const head = `  ${f.severity.toUpperCase()} [${f.rule}] ${sanitize(f.title, 1000)}`;
      fresh.push(style ? styled(head, style) : styled(head));
      if (pair(f)) fresh.push(styled(`    ${sanitize(pair(f))}`));
      fresh.push(styled(`    ${sanitize(f.message, 4000)}`));
      if (f.locations.length)
        fresh.push(styled(`    at ${f.locations.map((l) => sanitize(findingLocation(l))).join(', ')}`));
    }
  }
  const brief = (
    title: string,
    list: readonly Finding[],
    extra: (f: Finding) => string,
    cap = list.length,
  ) => {
    if (!list.length) return;
    rest.push(styled(''), styled(`${title} (${list.length})`, 'bold'));
    for (const f of list.slice(0, cap))
      rest.push(styled(`  ${f.severity} [${f.rule}] ${sanitize(f.title, 1000)}${extra(f)}`));
    if (list.length > cap)
      rest.push(
        styled(`  ... and ${(list.length - cap).toLocaleString('en-US')} more (all are in --format json)`),
      );
  };
  brief('Fixed findings', byStatus(report, 'fixed'), () => '');
  brief(
    'Accepted findings',
    byStatus(report, 'accepted'),
    (f) => ` (accepted: ${sanitize(f.acceptedReason ?? '')})`,
  );
  brief('Existing findings', byStatus(report, 'existing'), () => '', EXISTING_SHOWN);
  return { fresh, rest };
}

const ICON = { error: '⛔', warning: '⚠️', info: 'ℹ️' } as const;

function markdownItem(f: Finding, at: LocationMarkdown): string {
  const lines = [`- ${ICON[f.severity]} **${f.severity}** ${code(f.rule)}: ${escapeMarkdown(f.title)}`];
  if (pair(f)) lines.push(`  - ${code(pair(f))}`);
  lines.push(`  - ${messageMarkdown(f.message)}`);
  if (f.locations.length) lines.push(`  - at ${f.locations.map(at).join(', ')}`);
  return lines.join('\n');
}

/**
 * New pair findings of one rule that share a source (or else a destination) read as one item: one
 * client cut off from four servers is one problem to fix, not four. The first message stands for
 * all; the locations are merged. Singles stay as they are. Order: where each group's first finding was.
 */
function groupedMarkdownItems(list: readonly Finding[], at: LocationMarkdown): string[] {
  const keyOf = new Map<Finding, string>();
  for (const side of ['source', 'destination'] as const) {
    const key = (f: Finding) => `${side}\u0000${f.rule}\u0000${f[side]}`;
    const open = list.filter((f) => !keyOf.has(f) && f.source !== undefined && f.destination !== undefined);
    const count = new Map<string, number>();
    for (const f of open) count.set(key(f), (count.get(key(f)) ?? 0) + 1);
    for (const f of open) if (count.get(key(f))! > 1) keyOf.set(f, key(f));
  }
  const groups = new Map<string | Finding, Finding[]>();
  for (const f of list) {
    const k = keyOf.get(f) ?? f;
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  return [...groups.values()].map((g) => (g.length === 1 ? markdownItem(g[0]!, at) : groupItem(g, at)));
}

function groupItem(g: readonly Finding[], at: LocationMarkdown): string {
  const f = g[0]!;
  const sameSource = g.every((x) => x.source === f.source);
  const others = sameSource ? g.map((x) => x.destination ?? '') : g.map((x) => x.source ?? '');
  const one = sameSource ? f.source! : f.destination!;
  const title = `${RULES[f.rule as RuleId]?.title ?? f.rule}: ${sameSource ? `${one} -> ${g.length} destinations` : `${g.length} sources -> ${one}`}`;
  const locations = [...new Map(g.flatMap((x) => x.locations).map((l) => [findingLocation(l), l])).values()];
  const shownLocations = locations.slice(0, 8);
  const partners = `${others.slice(0, 20).map(code).join(', ')}${others.length > 20 ? ` and ${others.length - 20} more` : ''}`;
  const lines = [
    `- ${ICON[f.severity]} **${f.severity}** ${code(f.rule)}: ${escapeMarkdown(title)}`,
    `  - ${sameSource ? `${code(one)} -> ${partners}` : `${partners} -> ${code(one)}`}`,
    `  - ${messageMarkdown(f.message)} (The same holds for the other ${g.length - 1}.)`,
    `  - at ${shownLocations.map(at).join(', ')}${locations.length > shownLocations.length ? ` and ${locations.length - shownLocations.length} more` : ''}`,
  ];
  return lines.join('\n');
}

function briefItem(f: Finding): string {
  const reason = f.acceptedReason !== undefined ? ` — accepted: ${escapeMarkdown(f.acceptedReason)}` : '';
  return `- ${f.severity} ${code(f.rule)}: ${escapeMarkdown(f.title)}${reason}`;
}

type LocationMarkdown = (l: SourceLocation) => string;

/**
 * `revision:file:line` as a code span, followed by a link to the line when the revision is one of
 * the report's sides and links are known (findings name their revision by label).
 */
function locationMarkdown(report: Pick<Report, 'base' | 'head'>, links?: ReportLinks): LocationMarkdown {
  return (l) => {
    const text = code(findingLocation(l));
    if (!links) return text;
    const side =
      l.revision === report.head.label ? 'head' : l.revision === report.base.label ? 'base' : undefined;
    return side && links[side] ? `${text} (${markdownLocation(l, side, links)})` : text;
  };
}

/** Existing findings are the report's noise: this many are listed, the rest counted. */
export const EXISTING_SHOWN = 50;

/**
 * The PR comment's findings: new ones open and in full (`fresh`, placed right after the openings);
 * fixed, accepted and existing collapsed (`rest`, last), existing capped at EXISTING_SHOWN.
 */
export function findingMarkdownSections(
  report: Report,
  links?: ReportLinks,
): { fresh: Section[]; rest: Section[] } {
  const at = locationMarkdown(report, links);
  const fresh = byStatus(report, 'new');
  const rest: Section[] = [];
  const collapsed = (title: string, noun: string, list: readonly Finding[], cap = list.length) => {
    if (!list.length) return;
    const more = list.length - Math.min(cap, list.length);
    rest.push({
      head: `\n<details><summary>${title} (${list.length})</summary>\n`,
      items: [
        ...list.slice(0, cap).map(briefItem),
        ...(more > 0 ? [`- … and ${more.toLocaleString('en-US')} more (all are in the JSON report)`] : []),
      ],
      tail: '\n\n</details>\n',
      noun,
      total: list.length,
    });
  };
  collapsed('Fixed findings', 'fixed finding', byStatus(report, 'fixed'));
  collapsed('Accepted findings', 'accepted finding', byStatus(report, 'accepted'));
  collapsed('Existing findings', 'existing finding', byStatus(report, 'existing'), EXISTING_SHOWN);
  if (!fresh.length) return { fresh: [], rest };
  const head = {
    head: `\n\n#### 🔎 New findings (${fresh.length})\n`,
    items: groupedMarkdownItems(fresh, at),
    tail: '',
  };
  return { fresh: [{ ...head, noun: 'new finding' }], rest };
}
