import { gitOutput } from './git-client.js';

/** The URL git fetches a remote from (`git remote get-url`), or undefined when there is none. */
export async function remoteUrl(repo: string, name = 'origin'): Promise<string | undefined> {
  const url = await gitOutput(repo, ['remote', 'get-url', '--', name]);
  return url === undefined || url === '' ? undefined : url;
}

/** `git@host:owner/repo.git` (scp-like syntax): no scheme, a colon before the first slash. */
const SCP_LIKE = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+):(?!\/)([^\s]+)$/;

/**
 * The web page of the repository a remote URL names, as GitHub and GitHub Enterprise Server serve
 * it: `https://<host>/<owner>/<repo>` for https, ssh:// and scp-like remotes (credentials, ssh
 * ports and `.git` dropped). Undefined for local paths and anything with fewer than two path
 * segments; the caller still checks the result as any other address.
 */
export function remoteWebUrl(remote: string): string | undefined {
  const scp = SCP_LIKE.exec(remote.trim());
  let host: string;
  let path: string;
  let scheme = 'https:';
  if (scp) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    let url: URL;
    try {
      url = new URL(remote.trim());
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol) || !url.hostname) return undefined;
    // A web remote keeps its port and scheme; an ssh or git port is not the web server's.
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      host = url.host;
      scheme = url.protocol;
    } else host = url.hostname;
    path = decodeURIComponent(url.pathname);
  }
  const segments = path
    .replace(/\.git\/?$/, '')
    .split('/')
    .filter((s) => s !== '');
  if (segments.length < 2 || segments.some((s) => s === '.' || s === '..')) return undefined;
  const encode = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${scheme}//${host}/${segments.map(encode).join('/')}`;
}
