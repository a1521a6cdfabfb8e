import { safeLine } from '../core/safe-text.js';
import { remoteUrl, remoteWebUrl } from '../git/remote.js';
import { type ReportLinks, repositoryLinks } from '../render/links.js';
import type { Report } from '../report/types.js';

/**
 * The links of `--format markdown`: off unless `--link-base` names the repository's web page, or
 * is `auto` (the page of the `origin` remote of --repo). Sides are linked at the commits the
 * report resolved; a directory side has none. `auto` without a usable remote says so on stderr
 * and renders without links: a missing remote is no reason to fail the diff.
 */
export async function cliLinks(
  linkBase: string | undefined,
  repo: string,
  report: Pick<Report, 'base' | 'head'>,
  stderr: (text: string) => void,
): Promise<ReportLinks | undefined> {
  if (linkBase === undefined) return undefined;
  if (linkBase !== 'auto') return repositoryLinks({ repository: linkBase }, report);
  const remote = await remoteUrl(repo);
  const web = remote === undefined ? undefined : remoteWebUrl(remote);
  if (web === undefined) {
    const why =
      remote === undefined
        ? 'has no origin remote'
        : `has an origin remote that is no web repository (${remote})`;
    stderr(`policy-diff: --link-base auto: ${safeLine(repo)} ${safeLine(why)}: locations are not linked\n`);
    return undefined;
  }
  return repositoryLinks({ repository: web }, report);
}
