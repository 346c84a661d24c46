import { z } from 'zod';

// `target.eks` in shipwatch.yml, as the edge (packaging, the CLI) validates
// it. Zod: never imported by a function (config-state.ts is what they check).

export const eksConfig = z.strictObject({
  cluster: z.string().min(1),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes namespace name')
    .default('default'),
  deployment: z.string().regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'a Kubernetes Deployment name'),
  container: z.string().min(1),
});

export type EksConfig = z.infer<typeof eksConfig>;
