import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { configSchema } from '../../shared/config/schema.js';
import { serviceConfigSchema } from '../../shared/config/service-config.js';
import { targetFor } from '../../shared/targets/target-for.js';
import type { DeployTarget } from '../../shared/targets/target.js';
import { workflowStateSchema } from '../../shared/workflow/state.js';
import { deployed } from '../support/reliability/states.js';

// README "Adding a platform": a platform is its folders plus its entry in
// shared/platforms/registry.ts (and, the compiler insists, in the zod and
// target-factory maps beside it). Here a third platform, `fake`, is registered
// the same way, from test code only: the config schema, the execution state and
// the target factory take it without any other production file knowing it.

const FAKE_TARGET = vi.hoisted(() => ({ name: 'the fake target' }));

vi.mock('../../shared/platforms/registry.js', async (original) => {
  const real = await original<typeof import('../../shared/platforms/registry.js')>();
  const { looseObject } = await import('../../shared/validation/object.js');
  const PLATFORMS = { ...real.PLATFORMS, fake: { state: looseObject({ site: v.pipe(v.string(), v.minLength(1)) }) } };
  return { ...real, PLATFORMS, PLATFORM_KEYS: Object.keys(PLATFORMS) };
});
vi.mock('../../shared/platforms/config-sections.js', async (original) => {
  const real = await original<typeof import('../../shared/platforms/config-sections.js')>();
  const { z } = await import('zod');
  return { CONFIG_SECTIONS: { ...real.CONFIG_SECTIONS, fake: z.strictObject({ site: z.string().min(1) }) } };
});
vi.mock('../../shared/targets/platforms.js', async (original) => {
  const real = await original<typeof import('../../shared/targets/platforms.js')>();
  const fake = (service: { target: Record<string, unknown> }) => (service.target.fake ? FAKE_TARGET : undefined);
  return { ...real, platforms: { ...real.platforms, fake } };
});

const document = (target: unknown) => ({ services: [{ name: 'edge', image: { repository: 'edge' }, target }] });

describe('a platform registered in the registry', () => {
  it('is a `target:` key of shipwatch.yml, checked by its own section', () => {
    // Act
    const good = configSchema.safeParse(document({ fake: { site: 'lhr' } }));
    const problems = (target: unknown) => (() => parseConfig(document(target), 'shipwatch.yml')) as () => never;

    // Assess
    expect(good.success && good.data.services[0]!.target).toEqual({ fake: { site: 'lhr' } });
    expect(problems({ fake: { sites: 'lhr' } })).toThrow(
      /^shipwatch.yml is not a valid Shipwatch config:\n {2}services\[0\]\.target\.fake\.site: missing \(expected string\)\n {2}services\[0\]\.target\.fake\.sites: unknown key \(did you mean "site"\?\)$/,
    );
    expect(problems({})).toThrow(/\n {2}services\[0\]\.target: exactly one of `ecs`, `eks` or `fake`$/);
  });

  it('travels in the execution state: the service config and the deployment on it', () => {
    // Prepare
    const service = configSchema.parse(document({ fake: { site: 'lhr' } })).services[0]!;
    const state = deployed({ service, deploy: { ...(deployed().deploy as object), platform: 'fake' } });

    // Act
    const parsed = v.safeParse(workflowStateSchema, state);

    // Assess
    expect(v.safeParse(serviceConfigSchema, service).success).toBe(true);
    expect(parsed.issues).toBeUndefined();
    expect(parsed.success && parsed.output.deploy).toMatchObject({ platform: 'fake' });
    expect(v.safeParse(serviceConfigSchema, { ...service, target: { fake: {} } }).success).toBe(false);
  });

  it('is what the target factory builds for a service on it', () => {
    // Prepare
    const service = configSchema.parse(document({ fake: { site: 'lhr' } })).services[0]!;

    // Act
    const target: DeployTarget = targetFor(service);

    // Assess
    expect(target).toBe(FAKE_TARGET);
  });
});
