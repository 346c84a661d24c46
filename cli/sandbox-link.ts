import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// How the CLI reaches a running sandbox: the `export SHIPWATCH_SANDBOX=…` line
// the sandbox prints, or, with nothing set, the file it leaves in this clone
// while it runs (removed when it stops; ignored when its process is gone).

/** What a running sandbox tells the CLI (GET <endpoint>/shipwatch/sandbox answers the same). */
export interface SandboxInfo {
  endpoint: string;
  region: string;
  table: string;
  stateMachineArn: string;
  config: string;
  stage: string;
  pid: number;
  /** The Slack stand-in's Web API. */
  slackApiUrl?: string;
  /** The sandbox's simulated clock (epoch ms) when it answered: the CLI judges "now" by it. */
  now?: number;
}

export const SANDBOX_INFO_PATH = '/shipwatch/sandbox';
export const SANDBOX_CREDENTIALS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } as const;

/** In the clone the sandbox runs from (git-ignored), so two clones on one machine never see each other's sandbox. */
export const DISCOVERY_FILE = fileURLToPath(new URL('../.shipwatch/sandbox.json', import.meta.url));

/** The one line that points a shell (the AWS CLI, kubectl's aws token, shipwatch) at the sandbox. */
export function exportLine(info: Pick<SandboxInfo, 'endpoint' | 'region'>): string {
  return `export SHIPWATCH_SANDBOX=${info.endpoint} AWS_ENDPOINT_URL=${info.endpoint} AWS_REGION=${info.region} AWS_ACCESS_KEY_ID=${SANDBOX_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${SANDBOX_CREDENTIALS.secretAccessKey}`;
}

export function writeDiscovery(info: SandboxInfo, file = DISCOVERY_FILE): () => void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`);
  return () => {
    // Only our own: a second sandbox started meanwhile owns the file now.
    if (readDiscovery(file, () => true)?.pid === info.pid) rmSync(file, { force: true });
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The running sandbox this clone started, if any. */
export function readDiscovery(file = DISCOVERY_FILE, isAlive: (pid: number) => boolean = alive): SandboxInfo | undefined {
  let info: SandboxInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as SandboxInfo;
  } catch {
    return undefined;
  }
  return typeof info.endpoint === 'string' && typeof info.pid === 'number' && isAlive(info.pid) ? info : undefined;
}

/** Asks the sandbox at `endpoint` what it is (SHIPWATCH_SANDBOX names only the endpoint). */
export async function askSandbox(endpoint: string): Promise<SandboxInfo> {
  const url = `${endpoint.replace(/\/$/, '')}${SANDBOX_INFO_PATH}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    throw new Error(
      `no sandbox answers at ${endpoint} (${(error as Error).cause ? String((error as { cause: Error }).cause.message) : (error as Error).message}): is it still running? Unset SHIPWATCH_SANDBOX to use AWS`,
      { cause: error },
    );
  }
  if (!response.ok) throw new Error(`${endpoint} is not a Shipwatch sandbox (GET ${SANDBOX_INFO_PATH} answered ${response.status})`);
  return (await response.json()) as SandboxInfo;
}
