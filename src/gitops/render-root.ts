import { join } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceFile } from '../manifests/types.js';
import { kubeYamlDocuments } from '../manifests/yaml-read.js';
import type { WrapperOptions } from './applications.js';
import { helmDocuments } from './helm-output.js';
import type { ParsedKustomization } from './kustomization.js';
import { kustomizeDocuments, type RenderedDocuments } from './kustomize-output.js';
import { renderCache } from './render-cache.js';
import type { SourceDocs } from './source-docs.js';
import { minimalEnv, type RunLimits, runTool, type Tools, trimMessage } from './tools.js';
import { type Workspace, writeValues, writeWrapper } from './workspace.js';

/** A root ready to render; `file` (its kustomization or Chart.yaml) is where its diagnostics point. */
export type RootSpec =
  | {
      readonly tool: 'kustomize';
      readonly dir: string;
      readonly file: string;
      readonly enableHelm: boolean;
      /** An Application's kustomize options, set on the wrapper kustomization (applications.ts). */
      readonly wrapper?: WrapperOptions;
    }
  | {
      readonly tool: 'helm';
      readonly dir: string;
      readonly file: string;
      readonly values: readonly string[];
      readonly namespace?: string;
      readonly releaseName: string;
      /** An Application's inline values (YAML documents), given after the values files. */
      readonly inlineValues?: string;
    };

export interface RenderContext {
  readonly revision: string;
  readonly ws: Workspace;
  readonly tools: Tools;
  readonly limits: RunLimits;
  readonly kustomizations: ReadonlyMap<string, ParsedKustomization>;
  readonly sources: SourceDocs;
  readonly text: (path: string) => string | undefined;
}

export function renderFailed(
  revision: string,
  root: RootSpec,
  message: string,
  code = 'render-failed',
): Diagnostic {
  return {
    severity: 'error',
    code,
    message,
    location: { revision, file: root.file, line: 1, column: 1 },
    dropped: `every object rendered by ${root.dir}`,
  };
}

/**
 * Temp paths in a tool's message become repository paths, which is what the reader knows; only
 * then is it cut to length, or the cut would fall inside a long temp path.
 */
function cleanMessage(ctx: RenderContext, message: string): string {
  return trimMessage(tempPathsOut(ctx, message));
}

function tempPathsOut(ctx: RenderContext, message: string): string {
  return message
    .split(/(?:\.\.\/)+repo\//)
    .join('')
    .split(`${ctx.ws.repoDir}/`)
    .join('')
    .split(ctx.ws.repoDir)
    .join('.')
    .split(ctx.ws.dir)
    .join('<render dir>');
}

/**
 * Renders one root; the rendered file, or the error that makes the result incomplete. Never throws.
 * With `inputDigest` (root-digest.ts) a root already rendered from the same input, in this
 * revision or the other, is not rendered again, and a failure carries the digest so that the diff
 * can tell a root the pull request left alone (diff/unchanged-input.ts).
 */
export async function renderRoot(
  root: RootSpec,
  index: number,
  ctx: RenderContext,
  inputDigest?: string,
): Promise<SourceFile | Diagnostic> {
  if (inputDigest === undefined) return renderFresh(root, index, ctx);
  const key = JSON.stringify([inputDigest, ctx.tools, ctx.limits]);
  const result = await renderCache.get(key, () => renderFresh(root, index, ctx));
  if (!('severity' in result)) return result;
  const location = result.location && { ...result.location, revision: ctx.revision };
  return { ...result, ...(location ? { location } : {}), inputDigest };
}

async function renderFresh(
  root: RootSpec,
  index: number,
  ctx: RenderContext,
): Promise<SourceFile | Diagnostic> {
  const name = root.tool === 'kustomize' ? 'kustomize build' : 'helm template';
  try {
    const documents =
      root.tool === 'kustomize' ? await runKustomize(root, index, ctx) : await runHelm(root, ctx);
    if (typeof documents === 'string') {
      return renderFailed(ctx.revision, root, `${name} ${root.dir} failed: ${cleanMessage(ctx, documents)}`);
    }
    // Origins are matched to documents by position: a miscount would misplace every location.
    const count = kubeYamlDocuments(documents.text).length;
    if (count !== documents.origins.length) {
      throw new Error(`${count} documents for ${documents.origins.length} origins`);
    }
    return {
      path: root.file,
      text: documents.text,
      rendered: { root: root.dir, documents: documents.origins },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return renderFailed(
      ctx.revision,
      root,
      `${name} ${root.dir}: output not understood: ${cleanMessage(ctx, message)}`,
    );
  }
}

async function runKustomize(
  root: Extract<RootSpec, { tool: 'kustomize' }>,
  index: number,
  ctx: RenderContext,
): Promise<RenderedDocuments | string> {
  const tool = ctx.tools.kustomize;
  if (!tool) return 'kustomize is not available';
  const wrapperDir = await writeWrapper(ctx.ws, index, root.dir, root.wrapper);
  // Never --enable-alpha-plugins / --enable-exec / --network; --enable-helm only when configured.
  const helm = root.enableHelm && ctx.tools.helm ? ['--enable-helm', '--helm-command', ctx.tools.helm] : [];
  const args = [...tool.prefix, wrapperDir, '--load-restrictor', 'LoadRestrictionsRootOnly', ...helm];
  const result = await runTool(tool.command, args, {
    cwd: ctx.ws.dir,
    env: minimalEnv(ctx.tools.searchPath, ctx.ws.home),
    ...ctx.limits,
  });
  if (result.kind === 'failed') return result.message;
  return kustomizeDocuments(result.stdout, {
    wrapperDir,
    repoDir: ctx.ws.repoDir,
    rootFile: root.file,
    kustomizations: ctx.kustomizations,
    sources: ctx.sources,
  });
}

async function runHelm(
  root: Extract<RootSpec, { tool: 'helm' }>,
  ctx: RenderContext,
): Promise<RenderedDocuments | string> {
  const helm = ctx.tools.helm;
  if (!helm) return 'helm is not available';
  const chart = join(ctx.ws.repoDir, root.dir);
  // No --dependency-update (network) and no post-renderer (code): only what the chart holds.
  const args = ['template', root.releaseName, chart, '--skip-tests'];
  if (root.namespace) args.push('--namespace', root.namespace);
  for (const values of root.values) args.push('--values', join(ctx.ws.repoDir, values));
  if (root.inlineValues !== undefined) args.push('--values', await writeValues(ctx.ws, root.inlineValues));
  const result = await runTool(helm, args, {
    cwd: ctx.ws.dir,
    env: minimalEnv(ctx.tools.searchPath, ctx.ws.home),
    ...ctx.limits,
  });
  if (result.kind === 'failed') return result.message;
  return helmDocuments(result.stdout, root.file, root.dir, ctx.text);
}
