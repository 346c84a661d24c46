import type { SimClock } from './sim-clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * Discrete-event time for many executions at once: a sleeping execution
 * wakes when every other one is asleep too and the clock has jumped to its
 * wake-up time. Results depend on the seed, not on how fast the machine is.
 * `speed` (simulated ms per real ms) paces the jumps for a person watching;
 * Infinity runs flat out.
 */
export class VirtualTime {
  private timers: Timer[] = [];
  private busy = 0;
  private seq = 0;

  constructor(
    readonly clock: SimClock,
    private speed = Infinity,
  ) {}

  /** A new pace from now on (the sandbox slows down once a person takes over). */
  setSpeed(speed: number): void {
    this.speed = speed;
  }

  /** Wakes after `ms` of simulated time; an aborted sleep never wakes and no longer holds the clock. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = { at: this.clock.now() + Math.max(0, ms), seq: this.seq++, resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((t) => t !== timer);
      });
    });
  }

  /** Marks work in progress (a handler call): time does not move under it. */
  async track<T>(work: Promise<T>): Promise<T> {
    this.busy += 1;
    try {
      return await work;
    } finally {
      this.busy -= 1;
    }
  }

  private async quiet(): Promise<boolean> {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 0));
      if (this.busy > 0) return false;
    }
    return true;
  }

  /**
   * Moves time until `done()` holds while nothing is running. Sleepers still
   * waiting then (a watcher's next tick) stay queued for the next run.
   */
  async run(done: () => boolean): Promise<void> {
    for (;;) {
      if (!(await this.quiet())) continue;
      if (done()) return;
      if (this.timers.length === 0) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const at = this.timers[0]!.at;
      const delta = at - this.clock.now();
      if (delta > 0 && Number.isFinite(this.speed)) await new Promise((r) => setTimeout(r, delta / this.speed));
      if (delta > 0) this.clock.set(at);
      const due = this.timers.filter((t) => t.at <= at);
      this.timers = this.timers.filter((t) => t.at > at);
      due.forEach((t) => t.resolve());
    }
  }
}
