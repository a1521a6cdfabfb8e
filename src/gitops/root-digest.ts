import { createHash } from 'node:crypto';
import { filesUnder, type RepoIndex } from './graph.js';
import type { PlannedRoot } from './roots.js';

/**
 * What a render root's result depends on: its spec (tool, directory, options) and every file it
 * may read (the files under its directories and the files it names, kustomize's closure; nothing
 * else is copied for it), each by the hash of its content. Two revisions whose root has the same
 * digest render the same output, so a root is rendered once for both (render-cache.ts), and a
 * root that fails on both with the same digest failed before this pull request
 * (diff/unchanged-input.ts).
 */
export class RootDigests {
  private readonly hashes = new Map<string, string>();

  constructor(
    private readonly index: RepoIndex,
    private readonly contents: ReadonlyMap<string, Buffer>,
  ) {}

  private readonly roots = new Map<PlannedRoot, string>();

  of(root: PlannedRoot): string {
    let digest = this.roots.get(root);
    if (digest === undefined) {
      digest = this.compute(root);
      this.roots.set(root, digest);
    }
    return digest;
  }

  private compute(root: PlannedRoot): string {
    const named = [...root.files].filter((f) => this.index.files.has(f));
    const paths = [...new Set([...filesUnder(this.index, root.dirs), ...named])].sort();
    const hash = createHash('sha256').update(JSON.stringify(root.spec));
    for (const path of paths) hash.update(`\u0000${path}\u0000${this.hashOf(path)}`);
    // A named file the tree lacks is part of the input too (the render fails on it).
    for (const path of [...root.files].filter((f) => !this.index.files.has(f)).sort())
      hash.update(`\u0000${path}\u0000absent`);
    return hash.digest('base64');
  }

  private hashOf(path: string): string {
    let hash = this.hashes.get(path);
    if (hash === undefined) {
      const content = this.contents.get(path);
      hash = content ? createHash('sha1').update(content).digest('base64') : 'unread';
      this.hashes.set(path, hash);
    }
    return hash;
  }
}
