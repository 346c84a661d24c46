import type { World } from '../cloud/world.js';
import type { VirtualTime } from '../virtual-time.js';
import type { EventBus } from './bus.js';

/** How often the simulated services' announcements reach the bus: EventBridge delivers within seconds. */
export const PUMP_MS = 5_000;

/**
 * Carries what the simulated cloud announces onto the bus every few simulated
 * seconds, for as long as it runs. `settled` says whether every delivery it
 * started has been made (a scenario ends only after them).
 */
export function pumpEvents(world: World, time: VirtualTime, bus: EventBus) {
  let running = true;
  let inFlight = 0;
  world.drainEvents();
  void (async () => {
    while (running) {
      await time.sleep(PUMP_MS);
      for (const event of world.drainEvents()) {
        inFlight += 1;
        void bus.put(event).finally(() => {
          inFlight -= 1;
        });
      }
    }
  })();
  return {
    get settled() {
      return inFlight === 0;
    },
    stop() {
      running = false;
    },
  };
}
