/** A trailing rule citation such as ` (F9)` or ` (E5, E7)`. */
const TRAILING_IDS = / \(([A-Z]\d+(?:, [A-Z]\d+)*)\)$/;

/**
 * `text` citing rule `id` too: a reason that already ends with its own rule ids gets `id` added
 * to that list ("... (F9, F10)"), not a second pair of parentheses ("... (F9) (F10)").
 */
export function citing(text: string, id: string): string {
  const m = TRAILING_IDS.exec(text);
  if (!m) return `${text} (${id})`;
  const ids = m[1]!.split(', ');
  return ids.includes(id) ? text : `${text.slice(0, m.index)} (${[...ids, id].join(', ')})`;
}
