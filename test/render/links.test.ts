import { describe, expect, it } from 'vitest';
import {
  encodePathSegment,
  markdownLocation,
  repositoryLinks,
  repositoryWebUrl,
  revisionsMarkdown,
} from '../../src/render/links.js';
import { loc } from '../action/report-fixture.js';
import { renderGfm } from '../helpers/gfm.js';

const BASE = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);
const revisions = {
  base: { label: BASE, commit: BASE },
  head: { label: HEAD, commit: HEAD },
};

describe('repositoryWebUrl', () => {
  it('keeps http(s) addresses, GHES hosts and path prefixes, normalised', () => {
    expect(repositoryWebUrl('https://github.com/o/r')).toBe('https://github.com/o/r');
    expect(repositoryWebUrl('https://github.com/o/r.git/')).toBe('https://github.com/o/r');
    expect(repositoryWebUrl('https://ghe.example.com/org/repo')).toBe('https://ghe.example.com/org/repo');
    expect(repositoryWebUrl('http://git.internal:8080/a/b')).toBe('http://git.internal:8080/a/b');
    expect(repositoryWebUrl('https://x.test/a(b)')).toBe('https://x.test/a%28b%29');
  });

  it('refuses anything that is not a plain web address', () => {
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      'file:///etc/passwd',
      'git@github.com:o/r.git',
      'https://user:secret@github.com/o/r',
      'https://github.com/o/r?x=1',
      'https://github.com/o/r#frag',
      'not a url',
      '',
    ])
      expect(repositoryWebUrl(bad), bad).toBeUndefined();
  });
});

describe('markdownLocation', () => {
  const links = repositoryLinks({ repository: 'https://github.com/o/r' }, revisions)!;

  it('links head causes to the head commit and base causes to the base commit', () => {
    expect(markdownLocation(loc('policies/np.yaml', 7), 'head', links)).toBe(
      `[\`policies/np.yaml:7\`](https://github.com/o/r/blob/${HEAD}/policies/np.yaml#L7)`,
    );
    expect(markdownLocation(loc('policies/np.yaml', 7, 'base'), 'base', links)).toBe(
      `[\`policies/np.yaml:7\`](https://github.com/o/r/blob/${BASE}/policies/np.yaml#L7)`,
    );
  });

  it('encodes each path segment, parentheses and spaces included, keeping the slashes', () => {
    const md = markdownLocation(loc('a b/(x)/c#d?.yaml', 3), 'head', links);
    expect(md).toBe(
      `[\`a b/(x)/c#d?.yaml:3\`](https://github.com/o/r/blob/${HEAD}/a%20b/%28x%29/c%23d%3F.yaml#L3)`,
    );
    expect(encodePathSegment("it's!*")).toBe('it%27s%21%2A');
  });

  it('keeps a hostile file name in a code span and its link destination free of Markdown breakers', () => {
    const md = markdownLocation(loc('x](javascript:alert(1))/<img src=x>.yaml', 1), 'head', links);
    const destination = md.slice(md.lastIndexOf('](') + 2, -1);
    expect(destination.startsWith('https://github.com/o/r/blob/')).toBe(true);
    expect(destination).not.toMatch(/[\s()<>[\]`]/);
    // As GitHub renders it: one link, to the file view, with the name as code inside.
    const html = renderGfm(md);
    expect([...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1])).toEqual([destination]);
    expect(html).toContain('<code>x](javascript:alert(1))/&lt;img src=x&gt;.yaml:1</code>');
  });

  it('uses the server given (GHES)', () => {
    const ghes = repositoryLinks({ repository: 'https://ghe.example.com/org/repo' }, revisions)!;
    expect(markdownLocation(loc('np.yaml', 2), 'head', ghes)).toContain(
      `(https://ghe.example.com/org/repo/blob/${HEAD}/np.yaml#L2)`,
    );
  });

  it('is a plain code span for a side without a commit (a directory), or without links', () => {
    const dir = repositoryLinks(
      { repository: 'https://github.com/o/r' },
      { base: { label: 'fixtures/base' }, head: revisions.head },
    )!;
    expect(markdownLocation(loc('np.yaml', 2, 'base'), 'base', dir)).toBe('`np.yaml:2`');
    expect(markdownLocation(loc('np.yaml', 2), 'head', dir)).toContain('](');
    expect(markdownLocation(loc('np.yaml', 2), 'head')).toBe('`np.yaml:2`');
  });

  it('links nothing for a commit that is not a hex sha or a repository that is not a web address', () => {
    const odd = repositoryLinks(
      { repository: 'https://github.com/o/r' },
      { base: { label: 'x', commit: 'main' }, head: { label: 'y', commit: `${HEAD})` } },
    )!;
    expect(odd.base).toBeUndefined();
    expect(odd.head).toBeUndefined();
    expect(repositoryLinks({ repository: 'javascript:alert(1)//' }, revisions)).toBeUndefined();
  });
});

describe('revisionsMarkdown', () => {
  it('shows short shas with branch names, linked to the commits, and the run', () => {
    const links = repositoryLinks(
      {
        repository: 'https://github.com/o/r',
        run: 'https://github.com/o/r/actions/runs/42/attempts/2',
        ref: { base: 'main', head: 'feature/x' },
      },
      revisions,
    );
    expect(revisionsMarkdown(revisions, links)).toBe(
      `\`main\` @ [\`aaaaaaa\`](https://github.com/o/r/commit/${BASE}) → ` +
        `\`feature/x\` @ [\`bbbbbbb\`](https://github.com/o/r/commit/${HEAD}) · ` +
        '[workflow run](https://github.com/o/r/actions/runs/42/attempts/2)',
    );
  });

  it('names a side by the revision given when no branch is known, and a directory by its path', () => {
    const report = { base: { label: 'origin/main', commit: BASE }, head: { label: 'fixtures/head' } };
    const links = repositoryLinks({ repository: 'https://github.com/o/r' }, report);
    expect(revisionsMarkdown(report, links)).toBe(
      `\`origin/main\` @ [\`aaaaaaa\`](https://github.com/o/r/commit/${BASE}) → \`fixtures/head\``,
    );
  });

  it('without links is the labels with the resolved commits, as before', () => {
    expect(revisionsMarkdown({ base: { label: 'main', commit: BASE }, head: { label: 'dir' } })).toBe(
      '`main (aaaaaaaaaaaa)` → `dir`',
    );
  });

  it('shows a hostile branch name as code, never as HTML or a link', () => {
    const links = repositoryLinks(
      {
        repository: 'https://github.com/o/r',
        ref: { base: 'main', head: '</details><img src=x>`](javascript:x)' },
      },
      revisions,
    );
    const html = renderGfm(revisionsMarkdown(revisions, links));
    expect(html).not.toMatch(/<img|<\/details>|href="javascript/);
    expect([...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1])).toEqual([
      `https://github.com/o/r/commit/${BASE}`,
      `https://github.com/o/r/commit/${HEAD}`,
    ]);
  });

  it('drops a run address that is not a plain web address', () => {
    const links = repositoryLinks(
      { repository: 'https://github.com/o/r', run: 'javascript:alert(1)' },
      revisions,
    );
    expect(links?.run).toBeUndefined();
  });
});
