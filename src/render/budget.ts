/**
 * A titled block of Markdown items, the unit the size budget works in. A section is
 * self-contained: whatever `head` opens (`<details>`), `tail` closes, so a cut between sections or
 * between items never leaves a block open.
 */
export interface Section {
  readonly head: string;
  readonly items: readonly string[];
  readonly tail: string;
  /** What one item is, for the note on what was left out ("opened path", "existing finding"). */
  readonly noun?: string;
  /** How many things the items stand for, when the section already ends in "… and N more". */
  readonly total?: number;
}

export interface Budget {
  /** The most the result may measure. */
  readonly max: number;
  /** How a string is measured: characters (a comment) or UTF-8 bytes (the job summary). */
  readonly measure?: (text: string) => number;
  /** Where the full report is when this one is cut (e.g. "the job summary"). */
  readonly hint: string;
}

/**
 * Joins sections within the budget. The sections come in priority order (changes before noise),
 * so the first one that does not fit keeps the items that do, closes its tags, and everything
 * after it is left out; a note after the last closed block says what was left out and where the
 * full report is.
 */
export function fitSections(sections: readonly Section[], budget: Budget): string {
  const measure = budget.measure ?? ((t: string) => t.length);
  const whole = sections.map(joinSection).join('');
  if (measure(whole) + 1 <= budget.max) return `${whole}\n`;
  // Room for the longest note these sections can need: every kind of item, left out in millions.
  const nouns = new Map(sections.map((s) => [s.noun ?? 'item', 9_999_999]));
  const room = budget.max - measure(`${omissionNote(nouns, budget.hint)}\n`);
  let out = '';
  let used = 0;
  let cut = sections.length;
  const omitted = new Map<string, number>();
  for (const [i, s] of sections.entries()) {
    const size = measure(joinSection(s));
    if (used + size <= room) {
      out += joinSection(s);
      used += size;
      continue;
    }
    const fixed = measure(s.head) + measure(s.tail);
    const kept: string[] = [];
    let keptSize = fixed;
    for (const item of s.items) {
      const n = measure(`\n${item}`);
      if (used + keptSize + n > room) break;
      kept.push(item);
      keptSize += n;
    }
    if (kept.length > 0 || (s.items.length === 0 && used + fixed <= room)) {
      out += joinSection({ ...s, items: kept });
    }
    if (kept.length < s.items.length) count(omitted, s, (s.total ?? s.items.length) - kept.length);
    cut = i + 1;
    break;
  }
  for (const s of sections.slice(cut)) count(omitted, s, s.total ?? s.items.length);
  const note = omissionNote(omitted, budget.hint);
  return `${out}${note}\n`;
}

function count(omitted: Map<string, number>, s: Section, n: number): void {
  if (n > 0) omitted.set(s.noun ?? 'item', (omitted.get(s.noun ?? 'item') ?? 0) + n);
}

function omissionNote(omitted: ReadonlyMap<string, number>, hint: string): string {
  const parts = [...omitted].map(([noun, n]) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`);
  const what = parts.length ? parts.join(', ') : 'the rest of the report';
  return `\n\n---\n> ✂️ **Not shown, to stay within the size limit**: ${what}. The full report is in ${hint}.`;
}

export function joinSection(s: Section): string {
  return `${s.head}${s.items.length ? `\n${s.items.join('\n')}` : ''}${s.tail}`;
}
