import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ServiceConfig, Severity } from '../config/schema.js';
import { DEFAULTS } from '../config/defaults.js';
import { scanKey } from '../waits/keys.js';
import { pending, type Pending } from '../waits/look.js';
import type { Release } from '../release/release.js';
import type { Finding } from './findings.js';
import { evaluateScan, type IgnoredFinding } from './policy.js';
import { readScan } from './read-scan.js';

export interface ScanResult {
  done: true;
  passed: boolean;
  reason: string;
  scanStatus: string;
  counts?: Record<Severity, number>;
  /** At most MAX_LISTED, most severe first; `blockingTotal` says how many there were. */
  blocking: Finding[];
  blockingTotal: number;
  ignored: IgnoredFinding[];
  at: string;
}

/** Keeps the execution state far below Step Functions' 256 KiB payload limit. */
const MAX_LISTED = 50;

/**
 * The scan gate: one look at the scan per call. Still scanning → pending,
 * woken by ECR's or Inspector's scan event; finished → the policy's verdict.
 */
export async function scanGate(ecr: ECRClient, release: Release, service: ServiceConfig, now: Date): Promise<ScanResult | Pending> {
  const policy = service.scan;
  const read = await readScan(ecr, release);
  const at = now.toISOString();
  const outcome = (passed: boolean, scanStatus: string, reason: string): ScanResult => ({
    done: true,
    passed,
    reason,
    scanStatus,
    blocking: [],
    blockingTotal: 0,
    ignored: [],
    at,
  });

  if (read.status === 'pending') {
    const waitedMinutes = (now.getTime() - Date.parse(release.pushedAt)) / 60_000;
    if (waitedMinutes < policy.timeoutMinutes) {
      // ECR (basic) and Inspector (enhanced) send an event when the scan completes; the fallback covers a lost one.
      const remaining = (policy.timeoutMinutes - waitedMinutes) * 60;
      return pending(
        `scan of ${release.repository}@${release.digest} not finished: ${read.description}`,
        Math.min(DEFAULTS.health.eventFallbackSeconds, remaining),
        now,
        [scanKey(release.repository, release.digest)],
      );
    }
    const reason = `scan did not finish within ${policy.timeoutMinutes} minutes (${read.description})`;
    return policy.onFailed === 'allow'
      ? outcome(true, 'TIMED_OUT', `${reason}; allowed by scan.onFailed`)
      : outcome(false, 'TIMED_OUT', `${reason}; blocked by scan.onFailed`);
  }
  if (read.status === 'unsupported') {
    return policy.onUnsupported === 'allow'
      ? outcome(true, 'UNSUPPORTED_IMAGE', `image cannot be scanned (${read.description}); allowed by scan.onUnsupported`)
      : outcome(false, 'UNSUPPORTED_IMAGE', `image cannot be scanned (${read.description}); blocked by scan.onUnsupported`);
  }
  if (read.status === 'failed') {
    return policy.onFailed === 'allow'
      ? outcome(true, 'FAILED', `scan failed (${read.description}); allowed by scan.onFailed`)
      : outcome(false, 'FAILED', `scan failed (${read.description}); blocked by scan.onFailed`);
  }

  const verdict = evaluateScan(read.findings, policy, now);
  return {
    done: true,
    passed: verdict.passed,
    reason: verdict.reason,
    scanStatus: read.scanStatus,
    counts: verdict.counts,
    blocking: verdict.blocking.slice(0, MAX_LISTED),
    blockingTotal: verdict.blocking.length,
    ignored: verdict.ignored.slice(0, MAX_LISTED),
    at,
  };
}
