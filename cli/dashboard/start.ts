import { loadConfig } from '../../shared/config/load.js';
import type { Reach } from '../context.js';
import { SetupError } from '../errors.js';
import { DashboardData } from './data.js';
import { callerIdentity, type Identity } from '../operator.js';
import { accountClock } from './operator.js';
import { newToken } from './security.js';
import { startServer } from './server.js';

export interface Dashboard {
  /** The URL to open: with the session token, which becomes a cookie on the first visit. */
  url: string;
  origin: string;
  port: number;
  token: string;
  identity: Identity;
  /** Resolves when a person first opens a page with the session. */
  opened: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves the dashboard for what `reach` reaches (a stage's stack, or a
 * sandbox), acting as the identity its credentials are. Fails before
 * listening when that identity cannot be told (no credentials).
 */
export async function startDashboard(reach: Reach, options: { port?: number; tickMs?: number; onError?: (error: Error) => void } = {}): Promise<Dashboard> {
  const config = loadConfig(reach.configFile);
  const settings = reach.clients.settings;
  let identity: Identity;
  try {
    identity = await callerIdentity(reach.clients.sts());
  } catch (error) {
    throw new SetupError(
      `cannot tell who you are to AWS (sts:GetCallerIdentity: ${(error as Error).name}: ${(error as Error).message}); every dashboard action is done as you`,
      { cause: error },
    );
  }
  // The stack's outputs before serving: a wrong stage fails here, not on the first page.
  const stack = await reach.stack();
  const data = new DashboardData(reach, config, accountClock(settings));
  const token = newToken();
  let opened!: () => void;
  const first = new Promise<void>((resolve) => (opened = resolve));
  const server = await startServer({
    data,
    identity,
    settings,
    token,
    source: stack.source,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
    onViewer: () => opened(),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return { url: `${server.url}/?token=${token}`, origin: server.url, port: server.port, token, identity, opened: first, close: () => server.close() };
}
