/**
 * Simulated time for local runs: `Date.now()` and `new Date()` read a clock
 * that only moves when told to (a Step Functions retry interval passing, a
 * Lambda invocation taking its time). The handlers are not modified: they
 * read the time as they do in Lambda, and get the simulated one.
 */
export interface SimClock {
  now(): number;
  advance(ms: number): void;
  set(ms: number): void;
  uninstall(): void;
}

export function installSimClock(startMs: number): SimClock {
  const RealDate = globalThis.Date;
  let current = startMs;
  class SimDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(current);
      else super(...(args as [string | number | Date]));
    }
    static override now() {
      return current;
    }
  }
  globalThis.Date = SimDate as DateConstructor;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
    uninstall: () => {
      globalThis.Date = RealDate;
    },
  };
}
