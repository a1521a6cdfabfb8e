import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import { AliasBudget } from './alias-budget.js';
import { type ParsedFile, parseSourceFile } from './parse.js';
import { type ParallelParse, parseFiles } from './parse-pool.js';
import type { K8sObject, SourceFile } from './types.js';

/**
 * Parses each distinct file once across the revisions of one run. A pull request changes a handful
 * of files, so base and head share almost every (path, text): the second revision gets the first
 * one's objects and diagnostics with locations relabelled to its own revision, and YAML parsing —
 * the dominant cost on big repositories — is paid once. Objects share their (read-only) body and
 * YAML document, which also halves what the two revisions keep in memory.
 *
 * Rendered files (kustomize/Helm output) are cached by identity: the same file object only when
 * the render was reused for both revisions, since their origins belong to the render.
 */
export class ParseCache {
  /** By path, then by text (the text itself is the key: no copy of it is made). */
  private readonly entries = new Map<
    string,
    Map<string, { readonly revision: string; readonly parsed: ParsedFile }>
  >();

  /** One budget of alias expansion for the whole run (alias-budget.ts). */
  constructor(private readonly aliases = new AliasBudget()) {}

  /**
   * Parses ahead, in parallel when asked, the files of a revision the cache does not hold yet, so
   * that `parse` then only looks them up.
   */
  async prefill(files: readonly SourceFile[], revision: string, parallel?: ParallelParse): Promise<void> {
    const seen = new Set<string>();
    const missing = files.filter((f) => {
      if (f.rendered || this.entries.get(f.path)?.has(f.text) || seen.has(f.path)) return false;
      seen.add(f.path);
      return true;
    });
    const parsed = await parseFiles(missing, revision, parallel);
    missing.forEach((file, i) => {
      this.store(file, revision, parsed[i]!);
    });
  }

  /**
   * Rendered files by identity: src/gitops hands both revisions the same file when a root's input
   * is unchanged (gitops/render-cache.ts), so its output is parsed once too.
   */
  private readonly rendered = new WeakMap<
    SourceFile,
    { readonly revision: string; readonly parsed: ParsedFile }
  >();

  parse(file: SourceFile, revision: string): ParsedFile {
    if (file.rendered) return this.parseRendered(file, revision);
    const hit = this.entries.get(file.path)?.get(file.text);
    if (hit) return hit.revision === revision ? hit.parsed : relabel(hit.parsed, revision);
    return this.store(file, revision, parseSourceFile(file, revision));
  }

  private parseRendered(file: SourceFile, revision: string): ParsedFile {
    const hit = this.rendered.get(file);
    if (hit) return hit.revision === revision ? hit.parsed : relabel(hit.parsed, revision);
    const parsed = parseSourceFile(file, revision);
    this.rendered.set(file, { revision, parsed });
    return parsed;
  }

  private store(file: SourceFile, revision: string, fresh: ParsedFile): ParsedFile {
    const parsed = this.aliases.charge(file.path, revision, fresh);
    let byText = this.entries.get(file.path);
    if (!byText) {
      byText = new Map();
      this.entries.set(file.path, byText);
    }
    byText.set(file.text, { revision, parsed });
    return parsed;
  }
}

function relabel(parsed: ParsedFile, revision: string): ParsedFile {
  const at = (l: SourceLocation): SourceLocation => ({ ...l, revision });
  return {
    objects: parsed.objects.map(
      (o): K8sObject => ({ ...o, location: at(o.location), locate: (path) => at(o.locate(path)) }),
    ),
    diagnostics: parsed.diagnostics.map(
      (d): Diagnostic => (d.location ? { ...d, location: at(d.location) } : d),
    ),
  };
}
