const COMMON = `Input options:
  --repo DIR                 git repository that revisions are read from (default: current directory)
  --config FILE              config file (default: <repo>/.policy-diff.yaml when present)
  --include GLOB             only read matching files (repeatable; default **/*.yaml, **/*.yml, **/*.json)
  --target NAME              only this target when the repository holds several clusters (repeatable)
  --repo-url URL             a URL this repository is known by: Argo CD / Flux sources from it are
                             rendered, others reported as not analysed (repeatable)
  --layer l4|l7|effective    which layer to report (default: effective)
  --assume-injection labelled|all|none
                             which workloads have an Istio sidecar (default: labelled, from namespace and pod labels)
  -o, --output FILE          write the result to FILE instead of stdout ('-': stdout)
  -h, --help                 show help
  -V, --version              print the version

Exit codes: 0 done, 1 findings fail the configured policy, 2 usage or configuration error,
3 analysis incomplete (some input could not be read or understood).
`;

export const HELP = {
  main: `policy-diff: who can reach whom, before and after a change to Kubernetes and Istio policy.

Usage:
  policy-diff diff <base> <head> [options]     what a change opens, closes and changes
  policy-diff matrix <revision-or-dir> [options]   the access matrix of one revision
  policy-diff rules [--format text|json]       the finding rules, their default severity and docs
  policy-diff help [diff|matrix|rules]
  policy-diff version                          (also --version, -V)

<base>, <head> and <revision-or-dir> are git revisions of --repo (main, HEAD~1, a sha) or directories;
'-' reads a rendered YAML stream from stdin (kustomize build overlays/prod | policy-diff matrix -),
for at most one side of diff (a directory named '-': ./-).

${COMMON}`,
  diff: `Usage: policy-diff diff <base> <head> [options]

Reads the manifests at both sides, computes the access matrix of each and prints what differs:
opened, closed and changed paths with the policy rules (file:line) behind them.

  --format text|markdown|json|sarif|connlist-diff
                             text (default); markdown is the PR comment; json for machines;
                             sarif (2.1.0) for GitHub code scanning; connlist-diff is
                             netpol-analyzer's diff format (L3/L4 only)
  --no-color                 no colour in the text report (also NO_COLOR=1; FORCE_COLOR=1 forces
                             it through a pipe); colour is on only on a terminal
  --max-chars N              cut --format markdown to N characters like the PR comment, changes
                             kept before findings (default: 65536); 0: no limit
  --link-base URL|auto       --format markdown links each file:line to the file at its side's
                             commit, URL/blob/<sha>/<path>#L<line> (URL: the repository's page,
                             e.g. https://github.com/owner/repo); auto: the page of the origin
                             remote; default: no links. A directory side has no commit: no link
  --fail-on LIST             exit 1 when one of these matches (comma-separated, as the Action's
                             fail-on): new-errors (default), new-warnings, new-findings, opened,
                             closed, any-change; error, warning, info as severities; none: only
                             an incomplete analysis fails

${COMMON}`,
  matrix: `Usage: policy-diff matrix <revision-or-dir> [options]

Prints who may reach whom in one revision, with the rules behind each allowed connection.
'-' reads a rendered YAML stream from stdin, analysed as written (no include globs, no rendering):
  kustomize build overlays/prod | policy-diff matrix -

  --format text|json|ndjson|json-pairs|connlist
                             text (default); json for machines: one entry per pair of classes
                             (workloads every policy treats alike) with their members; ndjson the
                             same, one line per pair of classes, written as computed; json-pairs
                             one entry per pair of workloads (grows with the square of the
                             workloads); connlist is netpol-analyzer's connectivity list (L3/L4 only)

${COMMON}`,
  rules: `Usage: policy-diff rules [--format text|json]

Lists every finding rule: its id (for findings.severity and findings.accept in .policy-diff.yaml),
its default severity, what it finds, and where docs/findings.md explains it and its usual fix.

  --format text|json         text (default); json for machines
`,
} as const;
