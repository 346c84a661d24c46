import type { BusEvent } from '../cloud/events.js';
import { matches } from './pattern.js';
import type { Rule } from './rules.js';

/**
 * How the bus treats events of one detail-type in a scenario: EventBridge is
 * at-least-once, may deliver late, and may fail to deliver at all
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 */
export interface DeliveryPlan {
  detailType: string;
  /** Seconds late. */
  delaySeconds?: number;
  /** Deliver each event this many times. */
  copies?: number;
  /** Never deliver (the n-th matching events, from 1; all when absent). */
  drop?: number[] | true;
}

export interface Delivery {
  /** Simulated time of the delivery (or of the drop). */
  at: number;
  rule: string;
  target: string;
  event: BusEvent;
  fate: 'delivered' | 'dropped' | 'duplicate';
}

/**
 * The default event bus: each event goes to every rule whose pattern matches,
 * with the scenario's delivery plan applied per detail-type. `invoke` runs the
 * target as an asynchronous Lambda invocation would; `sleep` passes simulated time.
 */
export class EventBus {
  readonly log: Delivery[] = [];
  private plans: DeliveryPlan[] = [];
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly rules: Rule[],
    private readonly invoke: (target: string, event: BusEvent) => Promise<unknown>,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  plan(plans: DeliveryPlan[] = []): void {
    this.plans = plans;
    this.seen.clear();
  }

  /** Puts an event on the bus; resolves when every delivery it causes has been made (or given up). */
  async put(event: BusEvent): Promise<void> {
    const plan = this.plans.find((p) => p.detailType === event['detail-type']);
    const n = (this.seen.get(event['detail-type']) ?? 0) + 1;
    this.seen.set(event['detail-type'], n);
    const deliveries: Promise<unknown>[] = [];
    for (const rule of this.rules.filter((r) => matches(r.pattern, event))) {
      if (plan?.drop === true || plan?.drop?.includes(n)) {
        this.log.push({ at: this.now(), rule: rule.name, target: rule.target, event, fate: 'dropped' });
        continue;
      }
      for (let copy = 0; copy < (plan?.copies ?? 1); copy += 1) {
        deliveries.push(
          (async () => {
            if (plan?.delaySeconds) await this.sleep(plan.delaySeconds * 1000);
            this.log.push({ at: this.now(), rule: rule.name, target: rule.target, event, fate: copy === 0 ? 'delivered' : 'duplicate' });
            await this.invoke(rule.target, event);
          })(),
        );
      }
    }
    await Promise.all(deliveries);
  }
}
