import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { iam } from '../support/iam.js';

// Item 17 of issue #11: one EKS access entry per cluster and calling role,
// under a logical id no other cluster can take. EKS cluster names may use
// letters, digits, - and _, but logical ids only letters and digits, so
// `prod-eu` and `prod_eu` once shared one id and one cluster got no access.

const CALLERS = ['DeployReleaseRole', 'WatchRolloutRole', 'AdvanceReleaseRole', 'CheckHealthRole', 'RollBackRole'];
type Resource = {
  Type: string;
  Properties: { ClusterName: string; PrincipalArn: { 'Fn::GetAtt': [string, string] }; KubernetesGroups: string[]; Type: string };
};

const saved = { config: process.env.SHIPWATCH_CONFIG, entries: process.env.SHIPWATCH_EKS_ACCESS_ENTRIES };
beforeEach(() => {
  process.env.SHIPWATCH_CONFIG = 'test/fixtures/shipwatch.eks-clusters.yml';
  process.env.SHIPWATCH_EKS_ACCESS_ENTRIES = 'true';
});
afterEach(() => {
  process.env.SHIPWATCH_CONFIG = saved.config;
  if (saved.entries === undefined) delete process.env.SHIPWATCH_EKS_ACCESS_ENTRIES;
  else process.env.SHIPWATCH_EKS_ACCESS_ENTRIES = saved.entries;
});

const variables: Record<string, string> = { 'self:service': 'shipwatch', 'sls:stage': 'test' };
const accessEntries = async () => {
  const { Resources } = (await iam.roles({ resolveVariable: async (name: string) => variables[name]! })) as { Resources: Record<string, Resource> };
  return Object.entries(Resources).filter(([, r]) => r.Type === 'AWS::EKS::AccessEntry');
};

describe('EKS access entries', () => {
  it('gives every calling role an entry on each cluster, prod-eu and prod_eu alike', async () => {
    // Act
    const entries = await accessEntries();

    // Assess
    const granted = entries.map(([, r]) => `${r.Properties.ClusterName} ${r.Properties.PrincipalArn['Fn::GetAtt'][0]}`).sort();
    expect(granted).toEqual(['prod-eu', 'prod_eu'].flatMap((cluster) => CALLERS.map((role) => `${cluster} ${role}`)).sort());
    for (const [, r] of entries) expect(r.Properties).toMatchObject({ KubernetesGroups: ['shipwatch-deployers'], Type: 'STANDARD' });
  });

  it('names each entry after its role and cluster, with a hash of the exact cluster name', async () => {
    // Act
    const ids = (await accessEntries()).map(([id]) => id);

    // Assess
    expect(new Set(ids).size).toBe(10);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{1,255}$/);
    // The first eight hex digits of SHA-256("prod-eu") and SHA-256("prod_eu"): an id never changes once deployed.
    expect(ids.filter((id) => id.startsWith('DeployReleaseRole')).sort()).toEqual([
      'DeployReleaseRoleprodeu3312b695AccessEntry',
      'DeployReleaseRoleprodeuc0dc854dAccessEntry',
    ]);
  });

  it('keeps the same ids from one packaging to the next', async () => {
    // Act
    const first = (await accessEntries()).map(([id]) => id);
    const second = (await accessEntries()).map(([id]) => id);

    // Assess
    expect(second).toEqual(first);
  });
});
