import { startCloudServer } from '../../local/cloud/http.js';
import type { CloudService } from '../../local/cloud/world.js';
import { sandboxWorld } from '../../sandbox/world.js';

/** Keys for the simulated cloud, which takes any. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

/**
 * The sandbox's world served over HTTP, as the sandbox serves it, for SDK
 * clients over the real wire protocols; its clock stands at 2026-11-02T10:00Z
 * until the test moves it. The server's close goes into `closers`.
 */
export async function cloudEndpoint(closers: (() => Promise<void>)[]) {
  let now = Date.parse('2026-11-02T10:00:00Z');
  const world = sandboxWorld(() => now, 1);
  const server = await startCloudServer((service, operation, input) => world.handle(service as CloudService, operation, input));
  closers.push(server.close);
  const config = { endpoint: server.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS };
  return { world, config, url: server.url, advance: (ms: number) => (now += ms), at: () => now };
}
