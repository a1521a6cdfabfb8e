/**
 * The repository the workflow runs in (GITHUB_SERVER_URL/GITHUB_REPOSITORY, a GHES host too) is
 * the one Argo CD / Flux sources must name to be rendered: it adds to render.repoURLs. Outside
 * Actions (no GITHUB_REPOSITORY) nothing is added, and the config decides alone.
 */
export function thisRepository(env: NodeJS.ProcessEnv): { repoURLs?: string[] } {
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  return env.GITHUB_REPOSITORY
    ? { repoURLs: [`${server.replace(/\/+$/, '')}/${env.GITHUB_REPOSITORY}`] }
    : {};
}
