import type { Severity } from '../../shared/config/schema.js';

/** How an image behaves once it runs: what the simulated cloud derives tasks, metrics and scans from. */
export interface ImageProfile {
  /** Tasks start and pass health checks; false → they fail, and ECS's circuit breaker trips. */
  healthy: boolean;
  /** Share of requests answered 5xx, in percent. */
  errorRate: number;
  /** A latent bug: after serving this many minutes, the error rate becomes `errorRate`. */
  latent?: { afterMinutes: number; errorRate: number };
  /** Requests per minute the service receives while this image serves. */
  requestsPerMinute: number;
  findings: { id: string; severity: Severity; package: string }[];
  scanSeconds: number;
  /** A scan that cannot complete. */
  scanStatus?: 'UNSUPPORTED_IMAGE' | 'FAILED';
}

export const GOOD: ImageProfile = { healthy: true, errorRate: 0.3, requestsPerMinute: 1200, findings: [], scanSeconds: 20 };

export const profile = (overrides: Partial<ImageProfile> = {}): ImageProfile => ({ ...GOOD, ...overrides });
