import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/** One answer of `git cat-file --batch`: the object's content, or `missing` when git has no such object. */
export type BatchObject =
  | { readonly kind: 'found'; readonly sha: string; readonly type: string; readonly content: Buffer }
  | { readonly kind: 'missing'; readonly sha: string };

interface Pending {
  readonly resolve: (object: BatchObject) => void;
  readonly reject: (error: Error) => void;
}

type ParseState =
  | { readonly kind: 'header'; partial: Buffer }
  | {
      readonly kind: 'body';
      readonly sha: string;
      readonly type: string;
      readonly body: Buffer;
      filled: number;
    };

const LF = 0x0a;

/**
 * A long-lived `git cat-file --batch` process. Requests are written to stdin as they come and
 * answered in order, so thousands of blobs cost one process instead of thousands. Frames are
 * `<sha> <type> <size>\n<content>\n` or `<name> missing\n`, parsed from binary stdout: content is
 * bytes, never decoded here.
 */
export class CatFileBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private state: ParseState = { kind: 'header', partial: Buffer.alloc(0) };
  private failure: Error | undefined;
  private readonly exited: Promise<void>;
  private stderr = '';

  constructor(repo: string) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      // Keep only the start: enough for a message, bounded if git is chatty.
      if (this.stderr.length < 4096) this.stderr += chunk.toString('utf8');
    });
    // EPIPE when git died early: the exit handler reports it with git's own message.
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.fail(new Error(`cannot run git cat-file: ${error.message}`));
        resolve();
      });
      this.child.on('close', (code, signal) => {
        const why = this.stderr.trim() || `exit ${code ?? signal}`;
        this.fail(new Error(`git cat-file --batch stopped unexpectedly: ${why}`));
        resolve();
      });
    });
  }

  /** Reads one object by full sha; requests may be issued concurrently and resolve in order. */
  read(sha: string): Promise<BatchObject> {
    if (this.failure) return Promise.reject(this.failure);
    if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha)) {
      return Promise.reject(new Error(`not a full object id: '${sha}'`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.child.stdin.write(`${sha}\n`);
    });
  }

  /** Ends stdin so git exits, and waits for it. */
  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }

  /** Stops git at once; used on any error so no process outlives a failed read. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  private onData(chunk: Buffer): void {
    try {
      let offset = 0;
      while (offset < chunk.length) {
        offset = this.state.kind === 'header' ? this.readHeader(chunk, offset) : this.readBody(chunk, offset);
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      this.kill();
    }
  }

  /** Consumes a header line (possibly split across chunks); returns the offset after it. */
  private readHeader(chunk: Buffer, offset: number): number {
    const state = this.state as Extract<ParseState, { kind: 'header' }>;
    const newline = chunk.indexOf(LF, offset);
    if (newline < 0) {
      state.partial = Buffer.concat([state.partial, chunk.subarray(offset)]);
      return chunk.length;
    }
    const line = Buffer.concat([state.partial, chunk.subarray(offset, newline)]).toString('utf8');
    state.partial = Buffer.alloc(0);
    this.onHeader(line);
    return newline + 1;
  }

  private onHeader(line: string): void {
    const parts = line.split(' ');
    if (parts.length === 2 && (parts[1] === 'missing' || parts[1] === 'ambiguous')) {
      this.settle({ kind: 'missing', sha: parts[0] ?? '' });
      return;
    }
    const [sha, type, sizeText] = parts;
    const size = Number(sizeText);
    if (parts.length !== 3 || !sha || !type || !Number.isSafeInteger(size) || size < 0) {
      throw new Error(`unexpected git cat-file output: '${line.slice(0, 200)}'`);
    }
    // +1 for the LF git writes after the content.
    this.state = { kind: 'body', sha, type, body: Buffer.allocUnsafe(size + 1), filled: 0 };
  }

  /** Copies content bytes straight into a buffer of the announced size: no repeated concatenation. */
  private readBody(chunk: Buffer, offset: number): number {
    const state = this.state as Extract<ParseState, { kind: 'body' }>;
    const take = Math.min(state.body.length - state.filled, chunk.length - offset);
    chunk.copy(state.body, state.filled, offset, offset + take);
    state.filled += take;
    if (state.filled === state.body.length) {
      if (state.body[state.body.length - 1] !== LF) throw new Error('git cat-file output out of sync');
      this.state = { kind: 'header', partial: Buffer.alloc(0) };
      const content = state.body.subarray(0, state.body.length - 1);
      this.settle({ kind: 'found', sha: state.sha, type: state.type, content });
    }
    return offset + take;
  }

  private settle(object: BatchObject): void {
    const pending = this.queue.shift();
    if (!pending) throw new Error('git cat-file answered a request that was never made');
    pending.resolve(object);
  }
}
