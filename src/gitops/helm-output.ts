import { posix } from 'node:path';
import type { DocumentOrigin } from '../manifests/types.js';
import type { RenderedDocuments } from './kustomize-output.js';

const SOURCE = /^# Source: (.+)$/m;
const SEPARATOR = /^---[ \t]*(?:#.*)?$/m;

/**
 * `# Source: api/templates/np.yaml` names the template as `<chart name>/<path in the chart>`; the
 * chart's name is not its directory's, so the first segment is replaced by the chart directory.
 */
export function templatePath(chartDir: string, source: string): string | undefined {
  const slash = source.indexOf('/');
  if (slash < 0) return undefined;
  const inChart = posix.normalize(source.slice(slash + 1));
  if (inChart.startsWith('../') || posix.isAbsolute(inChart)) return undefined;
  return chartDir === '.' ? inChart : `${chartDir}/${inChart}`;
}

/** The line of `kind: <Kind>` in a template: the object's own line, as close as a template allows. */
export function kindLine(template: string | undefined, kind: string | undefined): number {
  if (template === undefined || kind === undefined) return 1;
  const lines = template.split('\n');
  const index = lines.findIndex((l) => new RegExp(`^\\s*kind:\\s*["']?${kind}["']?\\s*$`).test(l));
  return index < 0 ? 1 : index + 1;
}

function hasContent(chunk: string): boolean {
  return chunk.split('\n').some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
}

/**
 * `helm template` output split at `---`, each document located at its template. Helm has no
 * per-node mapping, so every node of an object points at the template's `kind:` line.
 */
export function helmDocuments(
  stdout: string,
  chartFile: string,
  chartDir: string,
  text: (path: string) => string | undefined,
): RenderedDocuments {
  const texts: string[] = [];
  const origins: DocumentOrigin[] = [];
  for (const chunk of stdout.split(SEPARATOR)) {
    if (!hasContent(chunk)) continue;
    const source = SOURCE.exec(chunk)?.[1]?.trim();
    const file = (source && templatePath(chartDir, source)) || chartFile;
    const kind = /^kind:\s*["']?([\w.-]+)/m.exec(chunk)?.[1];
    const line = kindLine(text(file), kind);
    origins.push({ file, line, locate: () => ({ file, line }) });
    texts.push(chunk.endsWith('\n') ? chunk : `${chunk}\n`);
  }
  return { text: texts.map((t) => t.replace(/^\n+/, '')).join('---\n'), origins };
}
