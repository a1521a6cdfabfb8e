import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type FolderGraph,
  folderCycles,
  folderGraph,
  folderOf,
  importsOf,
  readSourceFiles,
} from './import-graph.js';

const root = resolve(import.meta.dirname, '../..');
const files = readSourceFiles(root, 'src');

/** Longest a file of src may be: beyond it, a file does more than one thing. */
const MAX_LINES = 400;

describe('architecture of src', () => {
  it('has no cycle between folders (type imports included)', () => {
    const cycles = folderCycles(folderGraph(files));
    expect(cycles.map((steps) => steps.join('\n  '))).toEqual([]);
  });

  it('imports @actions/* only from src/action', () => {
    const offending = files.flatMap((f) =>
      folderOf(f.file) === 'action'
        ? []
        : f.imports.filter((s) => s.startsWith('@actions/')).map((s) => `${f.file} imports '${s}'`),
    );
    expect(offending).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = files.filter((f) => f.lines > MAX_LINES).map((f) => `${f.file}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });

  it('reads every kind of import', () => {
    // The checks above are only as good as the imports they see.
    const all = new Set(files.flatMap((f) => f.imports));
    expect(files.length).toBeGreaterThan(100);
    expect([...all].some((s) => s.startsWith('@actions/'))).toBe(true);
    expect(all.has('../core/diagnostics.js')).toBe(true);
  });
});

describe('folderCycles', () => {
  const graph = (edges: Record<string, string[]>): FolderGraph =>
    new Map(
      Object.entries(edges).map(([from, tos]) => [
        from,
        new Map(tos.map((to) => [to, { file: `src/${from}/x.ts`, specifier: `../${to}/y.js` }])),
      ]),
    );

  it('finds a cycle through several folders and names the import behind each step', () => {
    expect(folderCycles(graph({ a: ['b'], b: ['c'], c: ['a', 'd'], d: [] }))).toEqual([
      [
        "a -> b (src/a/x.ts imports '../b/y.js')",
        "b -> c (src/b/x.ts imports '../c/y.js')",
        "c -> a (src/c/x.ts imports '../a/y.js')",
      ],
    ]);
  });

  it('accepts a layered graph, new folders included', () => {
    expect(
      folderCycles(
        graph({ diff: ['explain', 'matrix'], explain: ['l7', 'matrix'], matrix: ['l4'], l7: ['l4'] }),
      ),
    ).toEqual([]);
  });

  it('reads type-only, re-export and dynamic imports', () => {
    const text = [
      "import type { A } from '../l4/a.js';",
      "export { B } from '../l7/b.js';",
      "const c = await import('../diff/c.js');",
      "import * as core from '@actions/core';",
      'const message = "not an import: from \'../report/r.js\'";',
      "// import { D } from '../render/d.js';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['../l4/a.js', '../l7/b.js', '../diff/c.js', '@actions/core']);
  });
});
