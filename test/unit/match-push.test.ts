import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import { executionName, matchServices } from '../../shared/match/match-push.js';

const service = (name: string, repository: string, tags?: string[]): string =>
  [
    `  - name: ${name}`,
    `    image:`,
    `      repository: ${repository}`,
    ...(tags ? [`      tags: [${tags.map((t) => JSON.stringify(t)).join(', ')}]`] : []),
    `    target:`,
    `      ecs: { cluster: prod, service: ${name}, container: app }`,
  ].join('\n');

const config = parseConfigText(
  [
    'services:',
    service('versioned', 'app', ['v*']),
    service('releases', 'app', ['release-*']),
    service('anything', 'app'),
    service('latest-only', 'app', ['latest']),
    service('minor-1', 'app', ['v1.*']),
    service('other-repo', 'other', ['*']),
  ].join('\n'),
  'match.yml',
);

const names = (repository: string, tag?: string): string[] =>
  matchServices(config, tag === undefined ? { repository } : { repository, tag }).map((s) => s.name);

const SHA = 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234aaaa';

describe('matchServices', () => {
  it.each([
    ['v1.2.3', ['versioned', 'anything', 'minor-1']],
    ['v10.0.0', ['versioned', 'anything']],
    ['release-2026-01', ['releases', 'anything']],
    ['latest', ['anything', 'latest-only']],
    ['latest-2', ['anything']],
    ['V1.2.3', ['anything']],
    ['feature-x', ['anything']],
  ])('tag %s on repository app deploys to %j, in config order', (tag, expected) => {
    // Prepare: the config above

    // Act
    const matched = names('app', tag);

    // Assess
    expect(matched).toEqual(expected);
  });

  it('matches a service with several globs when any of them matches', () => {
    // Prepare
    const multi = parseConfigText(`services:\n${service('web', 'web', ['v*', 'release-*'])}\n`, 'multi.yml');

    // Act
    const byV = matchServices(multi, { repository: 'web', tag: 'v2' });
    const byRelease = matchServices(multi, { repository: 'web', tag: 'release-7' });
    const byNeither = matchServices(multi, { repository: 'web', tag: 'nightly' });

    // Assess
    expect(byV.map((s) => s.name)).toEqual(['web']);
    expect(byRelease.map((s) => s.name)).toEqual(['web']);
    expect(byNeither).toEqual([]);
  });

  it('returns the full service configs, not only names', () => {
    // Prepare / Act
    const [matched] = matchServices(config, { repository: 'other', tag: 'x' });

    // Assess
    expect(matched).toBe(config.services[5]);
    expect(matched?.target.ecs).toEqual({ cluster: 'prod', service: 'other-repo', container: 'app', family: 'other-repo' });
  });

  it('matches nothing for a repository no service deploys', () => {
    // Prepare / Act / Assess
    expect(names('unknown', 'v1.2.3')).toEqual([]);
  });

  it('does not match a repository whose name only starts like a configured one', () => {
    // Prepare / Act / Assess
    expect(names('app-legacy', 'v1.2.3')).toEqual([]);
    expect(names('ap', 'v1.2.3')).toEqual([]);
  });

  it('matches a push without a tag only to services that accept any tag', () => {
    // Prepare / Act / Assess
    expect(names('app')).toEqual(['anything']);
    expect(names('other')).toEqual(['other-repo']);
  });
});

describe('executionName', () => {
  const hex64 = (c: string): string => `sha256:${c.repeat(64)}`;

  it('is the service name and the first 39 hex digits of the digest', () => {
    // Prepare / Act
    const name = executionName('web', SHA);

    // Assess
    expect(name).toBe('web-7f5b2640fe6fb4f46592dfd3410c4a79dac4f89');
    expect(name).toHaveLength('web-'.length + 39);
  });

  it('is deterministic, so a duplicate delivery gets the same name', () => {
    // Prepare / Act / Assess
    expect(executionName('web', SHA)).toBe(executionName('web', SHA));
    expect(executionName('web', 'not-a-digest')).toBe(executionName('web', 'not-a-digest'));
  });

  it('stays within 80 characters of [A-Za-z0-9-_] for the longest service name', () => {
    // Prepare
    const longest = `A_${'z'.repeat(36)}-9`;
    expect(longest).toHaveLength(40);

    // Act
    const names = [executionName(longest, SHA), executionName(longest, 'sha512:' + 'c'.repeat(128)), executionName(longest, 'weird digest!')];

    // Assess
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(80);
      expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(name.startsWith(`${longest}-`)).toBe(true);
    }
  });

  it('differs by service and by digest', () => {
    // Prepare / Act
    const webA = executionName('web', hex64('a'));
    const workerA = executionName('worker', hex64('a'));
    const webB = executionName('web', hex64('b'));

    // Assess
    expect(new Set([webA, workerA, webB]).size).toBe(3);
  });

  it('falls back to a hash for a digest that is not hex', () => {
    // Prepare
    const odd = 'sha256:NOT-HEX/../$weird';

    // Act
    const name = executionName('web', odd);

    // Assess
    expect(name).toMatch(/^web-[a-f0-9]{39}$/);
    expect(name).not.toContain('NOT');
    expect(executionName('web', 'sha256:other-odd-digest')).not.toBe(name);
  });

  it('falls back to a hash for an upper-case or short hex digest', () => {
    // Prepare
    const upper = `sha256:${'A'.repeat(64)}`;
    const short = `sha256:${'a'.repeat(20)}`;

    // Act
    const fromUpper = executionName('web', upper);
    const fromShort = executionName('web', short);

    // Assess
    expect(fromUpper).toMatch(/^web-[a-f0-9]{39}$/);
    expect(fromUpper).not.toBe(`web-${'A'.repeat(39)}`);
    expect(fromShort).toMatch(/^web-[a-f0-9]{39}$/);
    expect(fromShort).not.toBe(`web-${'a'.repeat(20)}`);
  });

  it('uses the hex of a digest given without an algorithm prefix', () => {
    // Prepare / Act / Assess
    expect(executionName('web', 'b'.repeat(64))).toBe(`web-${'b'.repeat(39)}`);
  });
});
