import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { configSchema } from '../../shared/config/schema.js';
import type { Strategy } from '../../shared/config/strategy.js';
import { trafficSteps } from '../../shared/config/traffic-steps.js';
import { serviceConfigSchema } from '../../shared/config/service-config.js';

const service = (strategy?: unknown) => ({
  services: [
    {
      name: 'web',
      image: { repository: 'web' },
      target: { ecs: { cluster: 'prod', service: 'web', container: 'app' } },
      ...(strategy === undefined ? {} : { strategy }),
    },
  ],
});

describe('strategy in shipwatch.yml', () => {
  it('is a rolling update when absent', () => {
    expect(configSchema.parse(service()).services[0]!.strategy).toEqual({ type: 'rolling' });
  });

  it('fills in the defaults of a canary', () => {
    expect(configSchema.parse(service({ type: 'canary' })).services[0]!.strategy).toEqual({ type: 'canary', percent: 10, bakeMinutes: 5, pause: false });
  });

  it('refuses what ECS would refuse, saying where', () => {
    const linear = configSchema.safeParse(service({ type: 'linear', stepPercent: 2 }));
    expect(linear.success).toBe(false);
    expect(linear.error!.issues[0]!.path).toEqual(['services', 0, 'strategy', 'stepPercent']);
    const unknownKey = configSchema.safeParse(service({ type: 'canary', percentage: 5 }));
    expect(unknownKey.error!.issues[0]!.message).toMatch(/percentage/);
    const unknownType = configSchema.safeParse(service({ type: 'shadow' }));
    expect(unknownType.error!.issues[0]!.message).toMatch(/rolling, canary, linear or blueGreen/);
  });

  it('travels in the execution state, and an old execution without one reads as rolling', () => {
    const parsed = configSchema.parse(service({ type: 'blueGreen', testTrafficBakeMinutes: 3 })).services[0]!;
    expect(v.parse(serviceConfigSchema, parsed).strategy).toEqual({ type: 'blueGreen', testTrafficBakeMinutes: 3, pause: false });
    const { strategy: _, ...old } = parsed;
    expect(v.parse(serviceConfigSchema, old).strategy).toEqual({ type: 'rolling' });
    expect(v.safeParse(serviceConfigSchema, { ...parsed, strategy: { type: 'canary' } }).success).toBe(false);
  });
});

describe('trafficSteps', () => {
  const cases: [Strategy, number[]][] = [
    [{ type: 'rolling' }, [100]],
    [{ type: 'canary', percent: 10, bakeMinutes: 5, pause: false }, [10, 100]],
    [{ type: 'linear', stepPercent: 25, bakeMinutes: 5, pause: false }, [25, 50, 75, 100]],
    [{ type: 'linear', stepPercent: 30, bakeMinutes: 5, pause: false }, [30, 60, 90, 100]],
    [{ type: 'blueGreen', testTrafficBakeMinutes: 0, pause: false }, [100]],
  ];
  it.each(cases)('%j goes through %j', (strategy, steps) => {
    expect(trafficSteps(strategy)).toEqual(steps);
  });
});
