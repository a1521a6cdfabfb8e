import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Lexer, LineCounter, Parser, parseAllDocuments } from 'yaml';
import { parseSourceFile } from '../src/manifests/parse.js';
import { KUBE_YAML } from '../src/manifests/yaml-schema.js';

/**
 * `parse-throughput DIR...`: MiB/s of each YAML reading stage on every .yaml/.yml file under the
 * directories, one thread: the `yaml` Lexer alone, Lexer + Parser (the CST), parseAllDocuments
 * (the Composer: Document nodes), and parseSourceFile (what the analysis runs: documents, plain
 * JSON with positions, objects, diagnostics). The best of ROUNDS (default 3) rounds after a warm-up round.
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
  parseSourceFile: (text, path) => {
    parseSourceFile({ path, text }, 'bench');
  },
};

const ROUNDS = 1 + Number(process.env.ROUNDS ?? 3);

function main(dirs: readonly string[]): void {
  const files = dirs.flatMap((d) => yamlFiles(d)).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
  const mib = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0) / 2 ** 20;
  console.log(`${files.length} files, ${mib.toFixed(1)} MiB (${dirs.join(', ')})`);
  for (const [name, stage] of Object.entries(STAGES)) {
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
