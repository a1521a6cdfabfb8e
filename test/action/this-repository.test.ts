import { describe, expect, it } from 'vitest';
import { thisRepository } from '../../src/action/this-repository.js';
import { normaliseRepoURL } from '../../src/gitops/applications.js';

describe('thisRepository', () => {
  it('names the workflow repository on github.com when the server is not said', () => {
    expect(thisRepository({ GITHUB_REPOSITORY: 'example/fleet' })).toEqual({
      repoURLs: ['https://github.com/example/fleet'],
    });
  });

  it('takes a GHES server, without its trailing slashes', () => {
    const env = { GITHUB_SERVER_URL: 'https://ghe.example.com//', GITHUB_REPOSITORY: 'ops/fleet' };
    expect(thisRepository(env)).toEqual({ repoURLs: ['https://ghe.example.com/ops/fleet'] });
  });

  it('an empty server (a blank variable) is github.com, not a URL without a host', () => {
    const env = { GITHUB_SERVER_URL: '', GITHUB_REPOSITORY: 'example/fleet' };
    expect(thisRepository(env)).toEqual({ repoURLs: ['https://github.com/example/fleet'] });
  });

  it('adds nothing outside Actions: the config decides alone', () => {
    expect(thisRepository({ GITHUB_SERVER_URL: 'https://github.com' })).toEqual({});
    expect(thisRepository({ GITHUB_REPOSITORY: '' })).toEqual({});
  });

  it('is the repository an Application names by ssh or scp-like URL', () => {
    const [url] = thisRepository({ GITHUB_REPOSITORY: 'Example/Fleet' }).repoURLs ?? [];
    for (const form of ['git@github.com:example/fleet.git', 'ssh://git@github.com/example/fleet'])
      expect(normaliseRepoURL(form)).toBe(normaliseRepoURL(url ?? ''));
  });
});
