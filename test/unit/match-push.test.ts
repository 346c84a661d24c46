import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import { createHash } from 'node:crypto';
import { deployExecutionName, executionName, matchServices } from '../../shared/match/match-push.js';

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
  const EVENT = '13cde686-328b-6117-af20-0e5566167482';
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it("is the service name, the first 12 hex digits of the digest and 24 of the event id's SHA-256", () => {
    // Prepare / Act
    const name = executionName('web', SHA, EVENT);

    // Assess
    expect(name).toBe(`web-7f5b2640fe6f-${sha(EVENT).slice(0, 24)}`);
    expect(name).toBe('web-7f5b2640fe6f-29c601c64ef17252decbf633');
  });

  it('is deterministic, so a duplicate delivery of the event gets the same name', () => {
    // Prepare / Act / Assess
    expect(executionName('web', SHA, EVENT)).toBe(executionName('web', SHA, EVENT));
    expect(executionName('web', 'not-a-digest', EVENT)).toBe(executionName('web', 'not-a-digest', EVENT));
  });

  it('differs for another event of the same image (a new tag), so that push starts its own execution', () => {
    // Prepare / Act / Assess
    expect(executionName('web', SHA, EVENT)).not.toBe(executionName('web', SHA, 'a8d3b59e-12c4-4f0b-9d6e-7e3c2b1a0f99'));
  });

  it('stays within 80 characters of [A-Za-z0-9-_] for the longest service name, whatever the event id', () => {
    // Prepare
    const longest = `A_${'z'.repeat(36)}-9`;
    expect(longest).toHaveLength(40);

    // Act
    const names = [
      executionName(longest, SHA, EVENT),
      executionName(longest, `sha512:${'c'.repeat(128)}`, 'x'.repeat(500)),
      executionName(longest, 'weird digest!', 'not a uuid: ../$'),
      deployExecutionName(longest, SHA, new Date('2286-11-20T17:46:39.999Z')),
    ];

    // Assess
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(80);
      expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(name.startsWith(`${longest}-`)).toBe(true);
    }
  });

  it('differs by service and by digest', () => {
    // Prepare / Act
    const webA = executionName('web', hex64('a'), EVENT);
    const workerA = executionName('worker', hex64('a'), EVENT);
    const webB = executionName('web', hex64('b'), EVENT);

    // Assess
    expect(new Set([webA, workerA, webB]).size).toBe(3);
  });

  it('falls back to a hash for a digest that is not hex, or is upper-case or short', () => {
    // Prepare
    const odd = 'sha256:NOT-HEX/../$weird';

    // Act
    const names = [
      executionName('web', odd, EVENT),
      executionName('web', `sha256:${'A'.repeat(64)}`, EVENT),
      executionName('web', `sha256:${'a'.repeat(11)}`, EVENT),
    ];

    // Assess
    for (const name of names) expect(name).toMatch(/^web-[a-f0-9]{12}-[a-f0-9]{24}$/);
    expect(names[0]).toBe(`web-${sha(odd).slice(0, 12)}-${sha(EVENT).slice(0, 24)}`);
    expect(names[1]).not.toContain('AAAA');
    expect(names[2]).not.toContain(`-${'a'.repeat(11)}-`);
  });

  it('uses the hex of a digest given without an algorithm prefix', () => {
    // Prepare / Act / Assess
    expect(executionName('web', 'b'.repeat(64), EVENT)).toBe(`web-${'b'.repeat(12)}-${sha(EVENT).slice(0, 24)}`);
  });
});

describe('deployExecutionName', () => {
  it('is <service>-deploy-<12 hex of the digest>-<epoch ms>, never the name of a push', () => {
    // Prepare
    const at = new Date('2026-11-02T10:15:00.123Z');

    // Act
    const name = deployExecutionName('web', SHA, at);

    // Assess
    expect(name).toBe(`web-deploy-7f5b2640fe6f-${at.getTime()}`);
    // A push of a service called `web-deploy` has 24 hex where this has 13 digits.
    expect(executionName('web-deploy', SHA, 'e')).toMatch(/^web-deploy-7f5b2640fe6f-[a-f0-9]{24}$/);
  });
});
