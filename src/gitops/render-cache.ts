import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceFile } from '../manifests/types.js';

export type RenderResult = SourceFile | Diagnostic;

/** Output kept at most (characters of rendered text): a run's two revisions fit, a long test run does not grow. */
const MAX_CHARS = 256 * 1024 * 1024;

/**
 * Render results by what they depend on (root-digest.ts, plus the tools and limits), for the
 * whole process: base and head of a diff share most roots, and the same root can be planned for
 * several targets or Applications; each is rendered once. In flight results are shared too, so
 * two asks for one root run the tool once. The oldest entries go first past MAX_CHARS.
 */
class RenderCache {
  private readonly entries = new Map<string, { result: Promise<RenderResult>; chars: number }>();
  private chars = 0;

  async get(key: string, render: () => Promise<RenderResult>): Promise<RenderResult> {
    const hit = this.entries.get(key);
    if (hit) return hit.result;
    const entry = { result: render(), chars: 0 };
    this.entries.set(key, entry);
    const result = await entry.result;
    entry.chars = 'text' in result ? result.text.length : 0;
    this.chars += entry.chars;
    this.evict();
    return result;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.chars <= MAX_CHARS) return;
      this.entries.delete(key);
      this.chars -= entry.chars;
    }
  }
}

export const renderCache = new RenderCache();
