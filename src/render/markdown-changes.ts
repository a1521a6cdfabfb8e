import {
  type CauseGroup,
  type ChangeGrouping,
  type FoldedChanges,
  type RankedChange,
  sameCause,
} from '../report/cause-groups.js';
import { type ChangeClass, isGaining, RISK_FACTOR_TEXT, type Risk } from '../report/risk.js';
import type { Cause, PathChange } from '../report/types.js';
import type { Section } from './budget.js';
import { code, escapeMarkdown } from './escape.js';
import { groupTitle, groupTitleText } from './group.js';
import { markdownLocation, type ReportLinks } from './links.js';
import { uncertainBecauseMarkdown } from './uncertainty.js';
import { causeLines, LEAD, l7ChangeText } from './wording.js';

export const CLASS_ICON: Record<ChangeClass, string> = {
  opened: '🟢',
  widened: '🟢',
  closed: '🔴',
  narrowed: '🟡',
  changed: '🟡',
};

/** How the parts of a cause group render: how many pairs each group lists, and the links. */
export interface GroupRendering {
  /** Pairs listed under a group; the rest are counted. */
  readonly pairCap: number;
  readonly links?: ReportLinks;
}

/** `` `NetworkPolicy shop/x ingress[0]` ([`np.yaml:7`](...)) ``: a rule with its location, linked when links are known. */
export function ruleMarkdown(c: Cause, links?: ReportLinks): string {
  return `${code(c.rule)} (${markdownLocation(c.location, c.revision, links)})`;
}

/** `from outside the cluster, all ports`: the factors that make a change stand out (not the ordinary ones). */
export function riskText(r: Risk): string {
  return r.factors
    .filter((f) => f !== 'crossNamespace')
    .map((f) => RISK_FACTOR_TEXT[f])
    .join(', ');
}

/**
 * The two sections of cause groups: what now gets through (opened and widened, open), and what
 * no longer does or changed (closed, narrowed, changed), each with its folded noise last.
 */
export function changeGroupSections(
  grouping: ChangeGrouping,
  r: GroupRendering,
): {
  gaining: Section[];
  losing: Section[];
} {
  const gaining = grouping.groups.filter((g) => isGaining(g.class));
  const losing = grouping.groups.filter((g) => !isGaining(g.class));
  const foldedGaining = grouping.folded.filter((f) => isGaining(f.class));
  const foldedLosing = grouping.folded.filter((f) => !isGaining(f.class));
  return {
    gaining: section('🟢 Opened and widened', 'opened or widened path group', gaining, foldedGaining, r),
    losing: section(
      '🔴 Closed, narrowed and changed',
      'closed or changed path group',
      losing,
      foldedLosing,
      r,
    ),
  };
}

function section(
  title: string,
  noun: string,
  groups: readonly CauseGroup[],
  folded: readonly FoldedChanges[],
  r: GroupRendering,
): Section[] {
  if (groups.length === 0 && folded.length === 0) return [];
  const pairs =
    groups.reduce((n, g) => n + g.changes.length, 0) + folded.reduce((n, f) => n + f.changes.length, 0);
  const by = groups.length === 1 ? '1 rule' : `${groups.length} rules`;
  return [
    {
      head: `\n\n#### ${title}: ${pairs} path${pairs === 1 ? '' : 's'}${groups.length ? `, by ${by}` : ''}\n`,
      items: [...groups.map((g) => groupItem(g, r)), ...folded.map(foldedItem)],
      tail: '\n',
      noun,
    },
  ];
}

function groupItem(g: CauseGroup, r: GroupRendering): string {
  const title = groupTitleText(groupTitle(g), code);
  const why = g.cause
    ? `: ${LEAD[g.cause.effect][g.cause.revision]} ${ruleMarkdown(g.cause, r.links)}`
    : ': no rule names it';
  const risk = riskText(g.risk);
  const lines = [`- ${CLASS_ICON[g.class]} **${title}**${why}${risk ? ` · ⚠️ ${risk}` : ''}`];
  const shown = g.changes.slice(0, r.pairCap);
  for (const pair of shown) lines.push(...pairLines(pair, g.cause, r.links));
  const more = g.changes.length - shown.length;
  if (more > 0)
    lines.push(
      `  - … ${shown.length ? 'and ' : ''}${more} ${shown.length ? 'more ' : ''}pair${more === 1 ? '' : 's'} (all in the JSON report)`,
    );
  return lines.join('\n');
}

/** `` `clusters/prod`: `` in front of a pair when the repository has several targets. */
function targetMarkdown(c: PathChange): string {
  return c.target === undefined ? '' : `${code(c.target)}: `;
}

function connsText(c: PathChange): string {
  if (c.kind === 'opened') return code(c.after);
  if (c.kind === 'closed') return code(c.before);
  return c.before === c.after ? code(c.after) : `${code(c.before)} → ${code(c.after)}`;
}

/** One pair: its connections, and what its group's rule does not already say. */
function pairLines(pair: RankedChange, groupCause: Cause | undefined, links?: ReportLinks): string[] {
  const c = pair.change;
  const flags = [
    c.uncertain ? ' ⚠️ **uncertain**' : '',
    c.workloadsDiff ? ` _(${escapeMarkdown(c.workloadsDiff)})_` : '',
  ].join('');
  const lines = [
    `  - ${targetMarkdown(c)}${code(c.source.id)} → ${code(c.destination.id)}: ${connsText(c)}${flags}`,
  ];
  const because = uncertainBecauseMarkdown(c);
  if (because) lines.push(`  ${because}`);
  if (c.l7Before !== undefined || c.l7After !== undefined) {
    const lead = c.l7Change ? `**${l7ChangeText(c.l7Change)}**` : 'L7';
    lines.push(`    - ${lead}: ${code(c.l7Before || 'nothing')} → ${code(c.l7After || 'nothing')}`);
  }
  const rest = c.causes.filter(
    (x) => !(groupCause && sameCause(x, groupCause)) && (groupCause === undefined || x.effect !== 'isolates'),
  );
  for (const line of causeLines(rest)) {
    const cause = rest.find((x) => x.rule === line.rules[0]?.rule);
    const rules = line.rules
      .map((w) => {
        const x = rest.find((y) => y.rule === w.rule && `${y.location.file}:${y.location.line}` === w.where);
        return x ? ruleMarkdown(x, links) : `${code(w.rule)} (${code(w.where)})`;
      })
      .join(', ');
    const also = cause && pair.alsoBy.some((x) => sameCause(x, cause)) ? 'also ' : '';
    lines.push(`    - ${also}${line.lead} ${rules}${line.conns ? ` on ${code(line.conns)}` : ''}`);
  }
  return lines;
}

const FOLDED_WHAT: Record<ChangeClass, string> = {
  opened: 'opened',
  widened: 'widened',
  closed: 'closed',
  narrowed: 'narrowed',
  changed: 'changed',
};

/** One line for the noise of a class: only UDP/SCTP, or only the sidecar's own ports. */
function foldedItem(f: FoldedChanges): string {
  const n = f.changes.length;
  const examples = f.changes
    .slice(0, 2)
    .map(
      (c) =>
        `${targetMarkdown(c)}${code(c.source.id)} → ${code(c.destination.id)}: ${code(isGaining(f.class) ? c.added : c.removed)}`,
    );
  return (
    `- 🔕 ${n} ${FOLDED_WHAT[f.class]} path${n === 1 ? '' : 's'} only on UDP/SCTP or the sidecar's own ports (15020, 15021, 15090), ` +
    `folded: ${examples.join('; ')}${n > 2 ? `; and ${n - 2} more (all in the JSON report)` : ''}`
  );
}
