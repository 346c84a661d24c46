import type { VirtualTime } from '../virtual-time.js';
import type { World } from './world.js';

/** How often ECS looks for lifecycle hooks to invoke: a hook answered IN_PROGRESS with a callBackDelay is called again within this much of it. */
export const HOOK_TICK_MS = 5_000;

/**
 * ECS's side of its Lambda lifecycle hooks, in virtual time: every few
 * simulated seconds, the hooks due (a stage just began, a callBackDelay
 * passed) are invoked through the world's Lambda (World.invokeDueHooks), the
 * clock standing still while they run, as it does for any handler.
 */
export function driveEcsHooks(world: World, time: VirtualTime) {
  let running = true;
  let busy = false;
  void (async () => {
    while (running) {
      await time.sleep(HOOK_TICK_MS);
      if (!running) break;
      busy = true;
      await time.track(world.invokeDueHooks()).finally(() => {
        busy = false;
      });
    }
  })();
  return {
    /** No invocation under way. */
    get settled() {
      return !busy;
    },
    stop() {
      running = false;
    },
  };
}
