import type { Report } from '../report/types.js';

/**
 * A Mermaid graph of the changed edges, fenced for GitHub, or undefined when there is nothing to
 * draw. STUB (lead): the Mermaid engineer owns this file and fills it in; the signature stays.
 */
export function mermaidGraph(_report: Report): string | undefined {
  return undefined;
}
