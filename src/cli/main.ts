import { closeSync, openSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { buildLayerMatrices } from '../analysis/layers.js';
import { formatDiagnostic } from '../core/diagnostics.js';
import { ConfigurationError, ExitCode } from '../core/errors.js';
import { safeLine } from '../core/safe-text.js';
import type { ParallelParse } from '../manifests/parse-pool.js';
import { renderConnlist, renderConnlistDiff } from '../render/connlist.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderMatrixJson, renderMatrixText } from '../render/matrix.js';
import { matrixGroupsJson, matrixGroupsNdjson } from '../render/matrix-stream.js';
import { renderSarif } from '../render/sarif.js';
import { renderText } from '../render/text.js';
import { evaluateFailOn } from '../report/fail-on.js';
import type { Report } from '../report/types.js';
import { VERSION } from '../report/version.js';
import { runAnalysis, runDiff, STDIN_SIDE } from '../run.js';
import { type Command, parseCommand } from './args.js';
import { useColour } from './colour.js';
import { HELP } from './help.js';
import { cliLinks } from './links.js';
import { renderRules } from './rules.js';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** Parse YAML on worker threads started from this bundle (absent: one thread). */
  readonly parallel?: ParallelParse;
  /** stdout is a terminal: the text report may be coloured (absent: not a terminal). */
  readonly stdoutIsTTY?: boolean;
  /** NO_COLOR, FORCE_COLOR and TERM are read from here (absent: none set). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** All of stdin, for a side named `-` (absent: such a side is a usage error). */
  readonly stdin?: () => Promise<Uint8Array>;
}

/** Runs one CLI invocation and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const command = parseCommand(argv, io.cwd);
    return await execute(command, io);
  } catch (e) {
    if (e instanceof ConfigurationError) {
      io.stderr(`policy-diff: ${safeLine(e.message)}\nRun 'policy-diff --help' for usage.\n`);
      return ExitCode.usage;
    }
    io.stderr(`policy-diff: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return ExitCode.incomplete;
  }
}

async function execute(command: Command, io: Io): Promise<number> {
  switch (command.name) {
    case 'help':
      io.stdout(HELP[command.topic ?? 'main']);
      return ExitCode.ok;
    case 'version':
      io.stdout(`policy-diff ${VERSION}\n`);
      return ExitCode.ok;
    case 'rules':
      io.stdout(renderRules(command.format));
      return ExitCode.ok;
    case 'diff':
      return diffCommand(command, io);
    case 'matrix':
      return matrixCommand(command, io);
  }
}

async function diffCommand(command: Extract<Command, { name: 'diff' }>, io: Io): Promise<number> {
  const layer = command.format === 'connlist-diff' ? 'l4' : command.layer;
  const { report, config } = await runDiff({
    ...(await inputOptions(command, [command.base, command.head], io)),
    base: command.base,
    head: command.head,
    layer,
  });
  const links =
    command.format === 'markdown'
      ? await cliLinks(command.linkBase, command.repo, report, io.stderr)
      : undefined;
  const body = {
    text: () => renderText(report, { colour: textColour(command, io) }),
    markdown: () =>
      renderMarkdown(report, {
        ...(command.maxChars > 0 && { maxChars: command.maxChars }),
        ...(links && { links }),
        risk: config.report,
        fullReportHint: '`--format markdown --max-chars 0` (no limit) or `--format json`',
      }),
    json: () => `${JSON.stringify(report, null, 2)}\n`,
    sarif: () => renderSarif(report, headDirectoryOf(command, report, io)),
    'connlist-diff': () => renderConnlistDiff(report),
  }[command.format]();
  await emit(body, command.output, io);
  if (command.format !== 'text') reportDiagnostics(report, io);
  if (report.incomplete) return ExitCode.incomplete;
  const verdict = evaluateFailOn(report, command.failOn);
  if (verdict.failed) {
    io.stderr(`policy-diff: ${safeLine(verdict.reason)}\n`);
    return ExitCode.failedPolicy;
  }
  return ExitCode.ok;
}

function textColour(command: Extract<Command, { name: 'diff' }>, io: Io): boolean {
  return useColour({
    noColorFlag: command.noColor,
    toFile: command.output !== undefined && command.output !== '-',
    stdoutIsTTY: io.stdoutIsTTY ?? false,
    env: io.env ?? {},
  });
}

/**
 * SARIF's URIs are repository-relative; a head read from a directory has files relative to that
 * directory, so the directory's path inside the repository is put in front.
 */
function headDirectoryOf(command: Extract<Command, { name: 'diff' }>, report: Report, io: Io) {
  // A stream from stdin has no place in the repository: its one file is plain `stdin`.
  if (report.head.commit !== undefined || command.head === STDIN_SIDE) return {};
  const dir = relative(resolve(io.cwd, command.repo), resolve(io.cwd, command.head));
  return { headDirectory: dir.split(sep).join('/') };
}

async function matrixCommand(command: Extract<Command, { name: 'matrix' }>, io: Io): Promise<number> {
  const { revision } = await runAnalysis(
    command.revision,
    await inputOptions(command, [command.revision], io),
  );
  const fresh = () =>
    buildLayerMatrices(revision, revision, command.format === 'connlist' ? 'l4' : command.layer)[0];
  const matrix = fresh();
  const { layer } = command;
  const body = {
    connlist: () => [renderConnlist(matrix, revision.l4.ipPieces)],
    // Grouped by class pair and written as computed: the per-pair form is quadratic in workloads.
    json: () => matrixGroupsJson(matrix, layer, fresh),
    ndjson: () => matrixGroupsNdjson(matrix, layer, fresh),
    'json-pairs': () => [renderMatrixJson(matrix, layer)],
    text: () => [renderMatrixText(matrix, layer)],
  }[command.format]();
  emitPieces(body, command.output, io);
  const problems = revision.diagnostics.filter((d) => d.severity !== 'note');
  for (const d of problems) io.stderr(`${safeLine(formatDiagnostic(d))}\n`);
  return revision.diagnostics.some((d) => d.severity === 'error') ? ExitCode.incomplete : ExitCode.ok;
}

async function inputOptions(
  command: Extract<Command, { name: 'diff' | 'matrix' }>,
  sides: readonly string[],
  io: Io,
) {
  const stdin = sides.includes(STDIN_SIDE) ? await readStdin(io) : undefined;
  return {
    repo: command.repo,
    ...(stdin ? { stdin } : {}),
    ...(io.parallel ? { parallel: io.parallel } : {}),
    ...(command.config ? { configPath: command.config } : {}),
    ...(command.include.length ? { include: command.include } : {}),
    ...(command.targets.length ? { targets: command.targets } : {}),
    ...(command.repoURLs.length ? { repoURLs: command.repoURLs } : {}),
    ...(command.injection ? { injection: command.injection } : {}),
  };
}

async function readStdin(io: Io): Promise<Uint8Array> {
  if (!io.stdin) throw new ConfigurationError(`'${STDIN_SIDE}' reads stdin, which this run does not have`);
  return io.stdin();
}

/** `-o FILE` writes FILE (relative to the working directory); no `-o`, or `-o -`, is stdout. */
async function emit(body: string, output: string | undefined, io: Io): Promise<void> {
  if (!output || output === '-') {
    io.stdout(body);
    return;
  }
  try {
    await writeFile(resolve(io.cwd, output), body);
  } catch (e) {
    // A path the user gave that cannot be written is their mistake to fix, not a crash.
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ConfigurationError(`cannot write the output file ${output} (${why})`);
  }
}

/**
 * `emit` for an output computed piece by piece: each piece is written as it comes (stdout, or the
 * file opened once), so the whole output is never one string in memory.
 */
function emitPieces(pieces: Iterable<string>, output: string | undefined, io: Io): void {
  if (!output || output === '-') {
    for (const piece of pieces) io.stdout(piece);
    return;
  }
  let fd: number;
  try {
    fd = openSync(resolve(io.cwd, output), 'w');
  } catch (e) {
    throw cannotWrite(output, e);
  }
  try {
    for (const piece of pieces) writeSync(fd, piece);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === undefined) throw e;
    throw cannotWrite(output, e);
  } finally {
    closeSync(fd);
  }
}

function cannotWrite(output: string, e: unknown): ConfigurationError {
  // A path the user gave that cannot be written is their mistake to fix, not a crash.
  const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  return new ConfigurationError(`cannot write the output file ${output} (${why})`);
}

/** Machine formats keep stdout clean; problems go to stderr so a user still sees them. */
function reportDiagnostics(report: Report, io: Io): void {
  for (const d of report.diagnostics)
    if (d.severity !== 'note') io.stderr(`${safeLine(formatDiagnostic(d))}\n`);
}
