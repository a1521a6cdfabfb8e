import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body?: { body?: string };
  readonly status: number;
}

interface StoredComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

interface Fault {
  readonly method: string;
  readonly status: number;
  remaining: number;
}

/**
 * A loopback stand-in for the part of the GitHub REST API the action uses: list (paginated with
 * Link headers, like GitHub), create and update issue comments. Records every call; `failNext`
 * makes the next matching requests answer an error status.
 */
export class FakeGitHub {
  readonly calls: RecordedCall[] = [];
  private readonly comments = new Map<number, StoredComment[]>();
  private readonly faults: Fault[] = [];
  private nextId = 1000;
  private server: Server | undefined;
  private baseUrl = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Comments on a PR written by someone else, to push ours onto later pages. */
  seed(issue: number, count: number): void {
    const list = this.commentsOf(issue);
    for (let i = 0; i < count; i++) {
      list.push({ id: this.nextId++, body: `comment ${i}`, user: { login: 'someone', type: 'User' } });
    }
  }

  commentsOf(issue: number): StoredComment[] {
    let list = this.comments.get(issue);
    if (!list) {
      list = [];
      this.comments.set(issue, list);
    }
    return list;
  }

  failNext(method: string, status: number, times = 1): void {
    this.faults.push({ method, status, remaining: times });
  }

  reset(): void {
    this.calls.length = 0;
    this.faults.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as { body?: string }) : undefined;
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    const answer = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      this.calls.push({
        method,
        path: `${url.pathname}${url.search}`,
        authorization: req.headers.authorization,
        ...(body !== undefined && { body }),
        status,
      });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(data));
    };
    const fault = this.faults.find((f) => f.method === method && f.remaining > 0);
    if (fault) {
      fault.remaining--;
      const message =
        fault.status === 403 ? 'Resource not accessible by integration' : `fake ${fault.status}`;
      answer(fault.status, { message, documentation_url: 'https://docs.github.com/rest' });
      return;
    }
    this.route(method, url, body, answer);
  }

  private route(
    method: string,
    url: URL,
    body: { body?: string } | undefined,
    answer: (status: number, data: unknown, headers?: Record<string, string>) => void,
  ): void {
    const list = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/);
    const one = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/);
    if (list && method === 'GET') {
      const comments = this.commentsOf(Number(list[1]));
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = comments.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < comments.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      answer(
        200,
        slice.map((c) => this.view(c)),
        headers,
      );
    } else if (list && method === 'POST' && typeof body?.body === 'string') {
      const comment = {
        id: this.nextId++,
        body: body.body,
        user: { login: 'github-actions[bot]', type: 'Bot' },
      };
      this.commentsOf(Number(list[1])).push(comment);
      answer(201, this.view(comment));
    } else if (one && method === 'PATCH' && typeof body?.body === 'string') {
      const comment = [...this.comments.values()].flat().find((c) => c.id === Number(one[1]));
      if (comment) comment.body = body.body;
      answer(comment ? 200 : 404, comment ? this.view(comment) : { message: 'Not Found' });
    } else {
      answer(404, { message: 'Not Found' });
    }
  }

  private view(c: StoredComment): unknown {
    return { ...c, html_url: `https://github.com/o/r/pull/1#issuecomment-${c.id}` };
  }
}
