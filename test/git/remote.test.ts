import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { remoteUrl, remoteWebUrl } from '../../src/git/remote.js';

describe('remoteWebUrl', () => {
  it('reads https, ssh and scp-like GitHub remotes as the repository page', () => {
    expect(remoteWebUrl('https://github.com/octo/gitops.git')).toBe('https://github.com/octo/gitops');
    expect(remoteWebUrl('https://github.com/octo/gitops')).toBe('https://github.com/octo/gitops');
    expect(remoteWebUrl('git@github.com:octo/gitops.git')).toBe('https://github.com/octo/gitops');
    expect(remoteWebUrl('ssh://git@ghe.example.com:2222/octo/gitops.git')).toBe(
      'https://ghe.example.com/octo/gitops',
    );
    expect(remoteWebUrl('http://git.internal:8080/a/b/')).toBe('http://git.internal:8080/a/b');
  });

  it('drops credentials a remote URL carries', () => {
    expect(remoteWebUrl('https://x-access-token:ghs_secret@github.com/octo/gitops.git')).toBe(
      'https://github.com/octo/gitops',
    );
  });

  it('reads what git reads as scp-like (host `javascript`) as an https page, never another scheme', () => {
    expect(remoteWebUrl('javascript:alert(1)//a/b')).toBe('https://javascript/alert%281%29/a/b');
  });

  it('is undefined for local paths and other schemes', () => {
    for (const remote of [
      '/srv/git/repo.git',
      '../repo',
      'file:///srv/repo.git',
      'https://github.com/octo',
      '',
    ])
      expect(remoteWebUrl(remote), remote).toBeUndefined();
  });
});

describe('remoteUrl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-diff-remote-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });

  it("reads origin's URL, and is undefined without one", async () => {
    git('init', '-q');
    expect(await remoteUrl(dir)).toBeUndefined();
    git('remote', 'add', 'origin', 'git@github.com:octo/gitops.git');
    expect(await remoteUrl(dir)).toBe('git@github.com:octo/gitops.git');
  });
});
