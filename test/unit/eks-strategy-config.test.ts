import { describe, expect, it } from 'vitest';
import { configSchema } from '../../shared/config/schema.js';

// Which strategies an EKS service may have: the canary by replica ratio
// (docs/progressive-eks.md) steps canary and linear; blue/green it cannot do.

const eks = (strategy: unknown) => ({
  services: [
    {
      name: 'search',
      image: { repository: 'search' },
      target: { eks: { cluster: 'shop', namespace: 'shop', deployment: 'search', container: 'web' } },
      strategy,
    },
  ],
});

describe('strategy of an EKS service', () => {
  it.each([{ type: 'rolling' }, { type: 'canary', percent: 10 }, { type: 'linear', stepPercent: 25 }])('accepts %j', (strategy) => {
    expect(configSchema.safeParse(eks(strategy)).success).toBe(true);
  });

  it('refuses blueGreen, saying where and why, and what to use instead', () => {
    // Act
    const parsed = configSchema.safeParse(eks({ type: 'blueGreen', testTrafficBakeMinutes: 5 }));

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toHaveLength(1);
    expect(parsed.error!.issues[0]!.path).toEqual(['services', 0, 'strategy', 'type']);
    expect(parsed.error!.issues[0]!.message).toBe(
      'blueGreen is not available with target.eks: the canary there is a replica ratio behind one Service, which cannot hold production traffic back from a full copy or switch it all at once; use canary (percent) or linear (stepPercent), see docs/progressive-eks.md',
    );
  });

  it('still accepts blueGreen on ECS, where the service has its own engine for it', () => {
    const ecs = {
      services: [
        { name: 'web', image: { repository: 'web' }, target: { ecs: { cluster: 'prod', service: 'web', container: 'app' } }, strategy: { type: 'blueGreen' } },
      ],
    };
    expect(configSchema.safeParse(ecs).success).toBe(true);
  });
});
