import { type ReportLinks, repositoryLinks } from '../render/links.js';
import type { Report } from '../report/types.js';
import type { RunnerContext } from './context.js';
import type { EventRefs } from './event.js';

/**
 * Where this run's report links to: each side's files at the commit it was read from (the merge
 * base for a PR's base, as Report.base.commit says), the branch names the event gave, the run.
 * A side that is a directory has no commit and links nowhere.
 */
export function actionLinks(
  ctx: Pick<RunnerContext, 'repositoryUrl' | 'runUrl'>,
  refs: EventRefs,
  report: Pick<Report, 'base' | 'head'>,
): ReportLinks | undefined {
  if (ctx.repositoryUrl === undefined) return undefined;
  const ref = {
    ...(refs.base !== undefined && { base: refs.base }),
    ...(refs.head !== undefined && { head: refs.head }),
  };
  return repositoryLinks(
    {
      repository: ctx.repositoryUrl,
      ...(ctx.runUrl !== undefined && { run: ctx.runUrl }),
      ...(Object.keys(ref).length > 0 && { ref }),
    },
    report,
  );
}
