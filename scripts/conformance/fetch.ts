import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { gitObjectId } from './git-object-id.js';
import { COMPLETE_MARKER, pinsOf, type UpstreamSource } from './sources.js';

export interface FetchOptions {
  /** The conformance root to fill (replaced as a whole, only once everything verified). */
  readonly dest: string;
  readonly sources: readonly UpstreamSource[];
  /** Our index (folders named like the sources, holding the cases files). */
  readonly indexDir: string;
  /** The archive of a source: https:, http: or file: URL. */
  readonly urlOf: (s: UpstreamSource) => string;
  readonly log?: (line: string) => void;
}

/** Fills `dest` with the pinned upstream files and our cases files; 'current' when it already has them. */
export async function fetchConformance(o: FetchOptions): Promise<'fetched' | 'current'> {
  const log = o.log ?? (() => {});
  const pins = JSON.stringify(pinsOf(o.sources), null, 2);
  if (readIfExists(join(o.dest, COMPLETE_MARKER)) === pins) return 'current';
  mkdirSync(dirname(resolve(o.dest)), { recursive: true });
  // Built beside dest (same file system), renamed into place at the end: an interrupted fetch
  // leaves no half-filled root that a test could mistake for data.
  const staging = mkdtempSync(`${resolve(o.dest)}.partial-`);
  const work = mkdtempSync(`${resolve(o.dest)}.download-`);
  try {
    for (const s of o.sources) {
      const url = o.urlOf(s);
      log(`${s.repo}@${s.commit.slice(0, 12)}: ${url}`);
      const tar = join(work, `${s.name}.tar`);
      writeFileSync(tar, verifiedTar(await download(url), s, url));
      const out = join(work, s.name);
      mkdirSync(out);
      extract(tar, out, s);
      for (const t of s.take) {
        const from = join(out, archivePrefix(s), t.from);
        const id = existsSync(from) ? gitObjectId(from) : 'missing';
        if (id !== t.id) throw new Error(`${s.repo}@${s.commit}: ${t.from} is ${id}, pinned ${t.id}`);
        mkdirSync(dirname(join(staging, s.name, t.to)), { recursive: true });
        renameSync(from, join(staging, s.name, t.to));
      }
    }
    writeCases(o.indexDir, staging);
    writeFileSync(join(staging, COMPLETE_MARKER), pins);
    rmSync(o.dest, { recursive: true, force: true });
    renameSync(staging, o.dest);
    return 'fetched';
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The folder GitHub puts a commit's files under: `<repository name>-<commit>/`. */
export const archivePrefix = (s: UpstreamSource): string => `${s.repo.split('/')[1]}-${s.commit}`;

export async function download(url: string): Promise<Buffer> {
  if (url.startsWith('file:')) return readFileSync(fileURLToPath(url));
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (e) {
    // fetch() says only 'fetch failed'; the cause names DNS, refusal or TLS.
    const cause = (e as Error & { cause?: Error }).cause;
    throw new Error(`GET ${url}: ${cause?.message ?? (e as Error).message} (this needs network)`);
  }
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${res.statusText}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The archive's tar, once its sha256 is the pinned one (see UpstreamSource.tarSha256). */
export function verifiedTar(gz: Buffer, s: UpstreamSource, url: string): Buffer {
  let tar: Buffer;
  try {
    tar = gunzipSync(gz);
  } catch (e) {
    throw new Error(`${url}: not a gzip archive (${(e as Error).message})`);
  }
  const sha = createHash('sha256').update(tar).digest('hex');
  if (sha !== s.tarSha256)
    throw new Error(
      `checksum mismatch for ${s.repo}@${s.commit} (${url}): the archive's tar has sha256 ${sha}, ` +
        `pinned ${s.tarSha256}. Nothing was extracted. If upstream's files did not change, GitHub ` +
        `changed how it writes archives: compare with 'git archive --format=tar --prefix=${archivePrefix(s)}/ ` +
        `${s.commit} | sha256sum' in a clone before updating the pin in scripts/conformance/sources.ts`,
    );
  return tar;
}

function extract(tar: string, dir: string, s: UpstreamSource): void {
  const members = s.take.map((t) => `${archivePrefix(s)}/${t.from}`);
  const r = spawnSync('tar', ['-xf', tar, '-C', dir, ...members], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(`tar -xf ${tar}: ${r.error?.message || r.stderr.trim() || `exit ${r.status}`}`);
}

interface IndexedCase {
  readonly configs?: readonly string[];
  readonly expected?: string;
  readonly expectedFrom?: string;
}

/**
 * Copies our cases files into the root, then writes each `expected` that the index derives from
 * an upstream output (`expectedFrom`: NCA's output cut down to the sections of the case's configs).
 */
export function writeCases(indexDir: string, root: string): void {
  for (const name of readdirSync(indexDir)) {
    const dir = join(indexDir, name);
    if (!statSync(dir).isDirectory()) continue;
    mkdirSync(join(root, name), { recursive: true });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      cpSync(join(dir, file), join(root, name, file));
      const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
      const cases = Array.isArray(parsed) ? (parsed as IndexedCase[]) : [];
      for (const c of cases) {
        if (c.expectedFrom === undefined || c.expected === undefined) continue;
        const text = readFileSync(join(root, c.expectedFrom), 'utf8');
        writeFileSync(join(root, c.expected), cutToConfigs(text, c.configs ?? [], c.expectedFrom));
      }
    }
  }
}

/** NCA's section headers end in `, config: <name>:`; everything up to the next header belongs to it. */
const SECTION = /^For connections of type .*, config: (.+):$/;

/** The sections of an NCA output that belong to `configs`, verbatim, in their order. */
export function cutToConfigs(text: string, configs: readonly string[], what = 'output'): string {
  const kept: string[][] = [];
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const header = SECTION.exec(line);
    if (header) {
      current = configs.includes(header[1]!) ? [] : undefined;
      if (current) kept.push(current);
    }
    current?.push(line);
  }
  if (kept.length === 0) throw new Error(`${what}: no section for config ${configs.join(', ')}`);
  const trimmed = kept.map((lines) => {
    const end = lines.findLastIndex((l) => l.trim() !== '');
    return lines.slice(0, end + 1).join('\n');
  });
  return `${trimmed.join('\n\n')}\n`;
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
