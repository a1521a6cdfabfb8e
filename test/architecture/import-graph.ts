import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** One import of a source file: every kind counts (value, `import type`, re-export, dynamic). */
export interface SourceImport {
  /** Path of the importing file relative to the repository, with `/`. */
  readonly file: string;
  readonly specifier: string;
}

export interface SourceFileFacts {
  readonly file: string;
  readonly lines: number;
  readonly imports: readonly string[];
}

/** Every `.ts` file under `dir` (relative to `root`), with its line count and import specifiers. */
export function readSourceFiles(root: string, dir: string): SourceFileFacts[] {
  return listTs(join(root, dir)).map((path) => {
    const text = readFileSync(path, 'utf8');
    return {
      file: relative(root, path).split(sep).join('/'),
      lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
      imports: importsOf(text),
    };
  });
}

/**
 * The module specifiers a file imports, by the compiler's own pre-processor: it sees `import type`,
 * `export ... from` and `import()`, and not import-looking text inside strings or comments.
 */
export function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    )
    .sort();
}

/** The folder of `src/` a file belongs to: `src/l4/engine.ts` -> `l4`; files directly in src -> `src`. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1]! : 'src';
}

/** Folder -> folders it imports, each edge with the first import that makes it (for the message). */
export type FolderGraph = Map<string, Map<string, SourceImport>>;

export function folderGraph(files: readonly SourceFileFacts[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const f of files) {
    const from = folderOf(f.file);
    const edges = graph.get(from) ?? new Map<string, SourceImport>();
    graph.set(from, edges);
    for (const specifier of f.imports) {
      if (!specifier.startsWith('.')) continue;
      const target = posix.normalize(posix.join(dirname(f.file), specifier));
      if (!target.startsWith('src/')) continue;
      const to = folderOf(target);
      if (to !== from && !edges.has(to)) edges.set(to, { file: f.file, specifier });
    }
  }
  return graph;
}

/**
 * Every cycle between folders, one per strongly connected component (Tarjan), each as the folder
 * path `a -> b -> ... -> a` with the import behind every step.
 */
export function folderCycles(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((c) => describeCycle(graph, c));
}

/** A shortest way back from the component's first folder to itself, step by step. */
function describeCycle(graph: FolderGraph, component: readonly string[]): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!members.has(w) || previous.has(w)) continue;
      previous.set(w, v);
      if (w === start) queue.length = 0;
      else queue.push(w);
    }
  }
  const path = [start];
  for (let v = previous.get(start)!; v !== start; v = previous.get(v)!) path.unshift(v);
  path.unshift(start);
  return path.slice(0, -1).map((from, i) => {
    const to = path[i + 1]!;
    const via = graph.get(from)!.get(to)!;
    return `${from} -> ${to} (${via.file} imports '${via.specifier}')`;
  });
}
