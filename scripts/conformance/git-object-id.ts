import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The git object id (sha1) a file or directory on disk would have, computed without git: the pins
 * in sources.ts are `git rev-parse <commit>:<path>` values, so a downloaded tree can be checked
 * against upstream's own history, whatever the archive's encoding.
 */
export function gitObjectId(path: string): string {
  return entryOf(path).id;
}

function object(type: 'blob' | 'tree', body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

function entryOf(path: string): { mode: string; id: string } {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return { mode: '120000', id: object('blob', Buffer.from(readlinkSync(path))) };
  if (st.isFile()) {
    // git records only whether the owner may execute.
    return { mode: st.mode & 0o100 ? '100755' : '100644', id: object('blob', readFileSync(path)) };
  }
  if (!st.isDirectory()) throw new Error(`${path}: neither file, directory nor symlink`);
  const entries = readdirSync(path).map((name) => ({ name, ...entryOf(join(path, name)) }));
  // git sorts a tree's entries by name, comparing a directory's name as if it ended in '/'.
  const key = (e: { name: string; mode: string }) => (e.mode === '40000' ? `${e.name}/` : e.name);
  entries.sort((a, b) => Buffer.compare(Buffer.from(key(a)), Buffer.from(key(b))));
  const body = Buffer.concat(
    entries.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.id, 'hex')])),
  );
  return { mode: '40000', id: object('tree', body) };
}
