import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Lexer, LineCounter, Parser, parseAllDocuments } from 'yaml';
import { fastDocuments } from '../src/manifests/fast-yaml.js';
import { fullDocuments, parseSourceFile } from '../src/manifests/parse.js';
import { KUBE_YAML } from '../src/manifests/yaml-schema.js';
import { generateRepo, SIZES } from './generate.js';

/**
 * `parse-throughput DIR...`: MiB/s of each YAML reading stage on every .yaml/.yml file under the
 * directories, one thread: the `yaml` Lexer alone, Lexer + Parser (the CST), parseAllDocuments
 * (the Composer: Document nodes), the fast reader alone (fast-yaml.ts; a file outside its subset
 * costs only the attempt), and parseSourceFile (what the analysis runs: documents, plain JSON with
 * positions, objects, diagnostics) with the full parser only and with the fast reader first. The
 * best of ROUNDS (default 3) rounds after a warm-up round. `gen:M` (any size) stands for the base
 * commit of the benchmark's generated repository, read from memory. `STAGES=fast,parseSourceFile`
 * runs only the stages whose names contain one of the words (on a shared machine, compare two
 * builds back to back on the stage that matters).
 */
function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === '.git' || name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

const STAGES: Record<string, (text: string, path: string) => void> = {
  lexer: (text) => {
    for (const _ of new Lexer().lex(text));
  },
  'lexer+parser (CST)': (text) => {
    for (const _ of new Parser().parse(text));
  },
  parseAllDocuments: (text) => {
    parseAllDocuments(text, { ...KUBE_YAML, lineCounter: new LineCounter() });
  },
  'fast reader (or none)': (text) => {
    fastDocuments(text, new LineCounter());
  },
  'parseSourceFile full': (text, path) => {
    parseSourceFile({ path, text }, 'bench', fullDocuments);
  },
  parseSourceFile: (text, path) => {
    parseSourceFile({ path, text }, 'bench');
  },
};

function filesOf(dir: string): { path: string; text: string }[] {
  const size = SIZES.find((s) => `gen:${s.name}` === dir);
  if (size) {
    const base = generateRepo(size).base;
    return [...base].filter(([p]) => /\.ya?ml$/.test(p)).map(([path, text]) => ({ path, text }));
  }
  return yamlFiles(dir).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
}

const ROUNDS = 1 + Number(process.env.ROUNDS ?? 3);

function main(dirs: readonly string[]): void {
  const files = dirs.flatMap(filesOf);
  const mib = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0) / 2 ** 20;
  const fast = files.filter((f) => fastDocuments(f.text, new LineCounter()) !== undefined);
  const fastMib = fast.reduce((n, f) => n + Buffer.byteLength(f.text), 0) / 2 ** 20;
  console.log(`${files.length} files, ${mib.toFixed(1)} MiB (${dirs.join(', ')})`);
  console.log(`fast reader takes ${fast.length} files, ${fastMib.toFixed(1)} MiB; the rest falls back`);
  const only = process.env.STAGES?.split(',');
  for (const [name, stage] of Object.entries(STAGES)) {
    if (only && !only.some((word) => name.includes(word))) continue;
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ROUNDS; round++) {
      const start = process.hrtime.bigint();
      for (const f of files) stage(f.text, f.path);
      const s = Number(process.hrtime.bigint() - start) / 1e9;
      if (round > 0) best = Math.min(best, s);
    }
    console.log(
      `${name.padEnd(22)} ${(mib / best).toFixed(1).padStart(6)} MiB/s  (${(best * 1000).toFixed(0)} ms)`,
    );
  }
}

main(process.argv.slice(2));
