/**
 * Where the conformance data comes from: two Apache-2.0 analyzers, each at a pinned commit. Only
 * these pins and our index of cases (./index) live in this repository; the upstream files are
 * downloaded into a cache that git ignores.
 *
 * The pins were found by comparing the git blob ids of every file of the workspace's copy
 * (../shared/conformance) with `git ls-tree` along each project's main branch: at these commits
 * every file matches (netpol-analyzer 201 of 201; NCA 90 of 91, the 91st being the one file we
 * derive, see `expectedFrom` in index/nca/cases-mesh.json).
 */
export interface UpstreamSource {
  /** The folder of the conformance root this source fills (`netpol-analyzer`, `nca`). */
  readonly name: string;
  readonly repo: string;
  readonly commit: string;
  /**
   * sha256 of the archive's tar stream, i.e. after gunzip. The tar is what `git archive` writes and
   * is the same wherever it is made; the gzip layer around it is not promised to stay byte-stable
   * (GitHub changed it once, in January 2023), so pinning the .tar.gz would break on a recompression
   * that changes no byte of content. Computed with
   * `git archive --format=tar --prefix=<repo>-<commit>/ <commit> | sha256sum`.
   */
  readonly tarSha256: string;
  /**
   * What is taken out of the archive: `from` (a path in the upstream repository) goes to `to`
   * (under this source's folder), and must have the git object id `id` (`git rev-parse
   * <commit>:<from>`), a second check that names the directory that differs.
   */
  readonly take: readonly { readonly from: string; readonly to: string; readonly id: string }[];
}

export const SOURCES: readonly UpstreamSource[] = [
  {
    name: 'netpol-analyzer',
    repo: 'np-guard/netpol-analyzer',
    commit: 'e54a33430edb4a86f077544a5d15afb050e8a3c3',
    tarSha256: '516f2fbf4b681d583887ac1f7be9eb0bf4957f21092bc4c844a4ff65479167d6',
    take: [
      { from: 'LICENSE', to: 'LICENSE', id: '261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64' },
      { from: 'tests', to: 'tests', id: '713f05bb9ae08d17cb7eacee1e09996d45592709' },
      { from: 'test_outputs', to: 'test_outputs', id: '3a418f324700a87da6eca561f9ae9f9fa87c0110' },
    ],
  },
  {
    name: 'nca',
    repo: 'np-guard/network-config-analyzer',
    commit: '1b9bb91dbed20d172396e28e77a32d27f0a4dc50',
    tarSha256: '20e5b05fce1f9fc3957dbd16eaa5f9ae4789a4df922212c7f5a4f7c84f6fa848',
    take: [
      { from: 'LICENSE', to: 'LICENSE', id: '8f71f43fee3f78649d238238cbde51e6d7055c82' },
      { from: 'tests', to: 'tests', id: 'cf23a9b82d63e88581990d9d20b01f5ecaf7a3e6' },
    ],
  },
];

/** GitHub's archive of one commit; its entries are under `<repo name>-<commit>/`. */
export const archiveUrl = (s: UpstreamSource): string =>
  `https://codeload.github.com/${s.repo}/tar.gz/${s.commit}`;

/** Our index of cases (names, paths relative to the conformance root, our tags): no upstream data. */
export const INDEX_DIR = 'scripts/conformance/index';
/** Where `npm run conformance:fetch` puts the data, relative to the project root (gitignored). */
export const CACHE_DIR = '.cache/conformance';
/** Written last into the cache: which pins it holds. A cache without it is incomplete. */
export const COMPLETE_MARKER = '.complete.json';

export const pinsOf = (sources: readonly UpstreamSource[]) =>
  sources.map((s) => ({ repo: s.repo, commit: s.commit, tarSha256: s.tarSha256 }));
