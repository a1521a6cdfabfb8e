import type { Diagnostic } from '../core/diagnostics.js';
import { ConfigurationError } from '../core/errors.js';
import type { SourceFile } from '../manifests/types.js';
import { type BatchObject, CatFileBatch } from './cat-file-batch.js';
import { resolveCommit } from './commits.js';
import { type DecodedText, decodeText } from './decode-text.js';
import { fileTooLarge, type Limits, planReads } from './file-limits.js';
import { listTree, listTreeOnce, type TreeEntry } from './ls-tree.js';
import type { PathFilter } from './path-filter.js';
import {
  blobMissing,
  invalidUtf8,
  linkProblem,
  textRefused,
  treeMissing,
  treeUnreadable,
} from './read-diagnostics.js';
import { couldHoldManifests, directoriesOf, expandLinks, type LinkTree } from './symlinks.js';
import type { BlobReads, RevisionFiles } from './types.js';

/**
 * Reads a revision straight from git objects: the tree from ls-tree, the blobs through one
 * cat-file process. Nothing is checked out and tree paths never touch the filesystem; symbolic
 * links are resolved inside the tree (src/git/symlinks.ts), so a link out of it is never read.
 * A damaged or partial clone costs the files git cannot give, each an error, never the run.
 */
export async function readGitRevision(
  repo: string,
  rev: string,
  filter: PathFilter,
  limits: Limits,
  blobs: BlobReads = new Map(),
  /** The side's RevisionInput: the render tree lists the same commit under it (listTreeOnce). */
  scope?: object,
  planned?: (bytes: number, files: number) => void,
): Promise<RevisionFiles> {
  const commit = await resolveCommit(repo, rev);
  if (!commit) throw new ConfigurationError(`'${rev}' is not a revision of ${repo}`);
  let entries: readonly TreeEntry[];
  try {
    entries = await (scope ? listTreeOnce(scope, repo, commit) : listTree(repo, commit));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { label: rev, commit, files: [], diagnostics: [treeUnreadable(rev, why)] };
  }
  const diagnostics: Diagnostic[] = [];
  const tree = await linkTree(repo, rev, entries, filter, blobs, diagnostics);
  const { files: linked, problems } = expandLinks(tree, filter);
  diagnostics.push(...problems.map((problem) => linkProblem(rev, problem)));
  const candidates = linked.map(({ path, file }) => ({ path, size: file.size, entry: file }));
  const plan = planReads(candidates, rev, limits);
  diagnostics.push(...plan.diagnostics);
  planned?.(
    plan.toRead.reduce((n, c) => n + c.size, 0),
    plan.toRead.length,
  );
  const objects = await readBlobs(
    repo,
    plan.toRead.map((c) => c.entry),
    blobs,
  );
  const files: SourceFile[] = [];
  for (const [index, candidate] of plan.toRead.entries()) {
    const object = objects[index];
    if (object?.kind !== 'found' || object.type !== 'blob') {
      diagnostics.push(blobMissing(rev, candidate.path));
    } else if (object.content.length > limits.maxFileBytes) {
      // Only for a blob whose size the listing could not learn (fetched on demand).
      diagnostics.push(fileTooLarge(rev, { ...candidate, size: object.content.length }, limits.maxFileBytes));
    } else {
      const decoded = textOf(object);
      if (decoded.kind === 'refused') diagnostics.push(textRefused(rev, candidate.path, decoded));
      else {
        files.push({ path: candidate.path, text: decoded.text });
        if (decoded.replacedAtLine)
          diagnostics.push(invalidUtf8(rev, candidate.path, decoded.replacedAtLine));
      }
    }
  }
  return { label: rev, commit, files, diagnostics };
}

/** The tree with every symlink's target read (a link's blob is its target path). */
async function linkTree(
  repo: string,
  rev: string,
  entries: readonly TreeEntry[],
  filter: PathFilter,
  blobs: BlobReads,
  diagnostics: Diagnostic[],
): Promise<LinkTree<TreeEntry>> {
  const files = new Map<string, TreeEntry>();
  for (const entry of entries) {
    if (entry.kind === 'file') files.set(entry.path, entry);
    else if (entry.kind === 'missing-tree' && couldHoldManifests(filter, entry.path)) {
      diagnostics.push(treeMissing(rev, entry.path));
    }
  }
  const symlinks = entries.filter((e) => e.kind === 'symlink');
  const targets = await readBlobs(repo, symlinks, blobs);
  const links = new Map<string, string>();
  for (const [index, entry] of symlinks.entries()) {
    const object = targets[index];
    if (object?.kind === 'found') links.set(entry.path, object.content.toString('utf8'));
    // A link git cannot give might lead anywhere; named by the globs, it is a missing file.
    else if (filter(entry.path)) diagnostics.push(blobMissing(rev, entry.path));
  }
  return { files, links, dirs: directoriesOf(entries.map((e) => e.path)) };
}

/**
 * All blobs through one batch process; a blob already asked for (by this revision or, through
 * `bySha`, by the other one) is not read again. The child never outlives this. cat-file stops at
 * the first object it cannot produce (a corrupt object, a promisor fetch that fails), failing
 * every read after it: those are asked again one by one, so only what git cannot give is missing.
 */
async function readBlobs(
  repo: string,
  entries: readonly TreeEntry[],
  bySha: BlobReads,
): Promise<BatchObject[]> {
  if (entries.length === 0) return [];
  const batch = new CatFileBatch(repo);
  let settled: PromiseSettledResult<BatchObject>[];
  try {
    const reads = entries.map((entry) => {
      let read = bySha.get(entry.sha);
      if (!read) {
        read = batch.read(entry.sha);
        bySha.set(entry.sha, read);
      }
      return read;
    });
    settled = await Promise.allSettled(reads);
    await batch.close();
  } finally {
    batch.kill();
  }
  const objects: BatchObject[] = [];
  for (const [index, result] of settled.entries()) {
    const sha = entries[index]?.sha ?? '';
    if (result.status === 'fulfilled') objects.push(result.value);
    else {
      const again = readAlone(repo, sha);
      bySha.set(sha, again);
      objects.push(await again);
    }
  }
  return objects;
}

/** One blob in a process of its own: if git dies on it, only this one is missing. */
async function readAlone(repo: string, sha: string): Promise<BatchObject> {
  const batch = new CatFileBatch(repo);
  try {
    const object = await batch.read(sha);
    await batch.close();
    return object;
  } catch {
    return { kind: 'missing', sha };
  } finally {
    batch.kill();
  }
}

/** Decoded once per blob, so both revisions hold the same string for a file they share. */
const texts = new WeakMap<BatchObject, DecodedText>();

function textOf(object: Extract<BatchObject, { kind: 'found' }>): DecodedText {
  let decoded = texts.get(object);
  if (!decoded) {
    decoded = decodeText(object.content);
    texts.set(object, decoded);
  }
  return decoded;
}
