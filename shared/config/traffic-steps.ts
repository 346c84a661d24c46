import type { Strategy } from './strategy.js';

// Apart from the schema (strategy.ts, zod) on purpose: the functions step
// through a strategy, and zod must not reach a Lambda bundle (#14).

/**
 * The traffic shares a progressive strategy goes through, in percent, ending at 100.
 * Canary 10 → [10, 100]; linear 25 → [25, 50, 75, 100]; blue/green → [100]; rolling → [100].
 */
export function trafficSteps(strategy: Strategy): number[] {
  switch (strategy.type) {
    case 'canary':
      return strategy.percent >= 100 ? [100] : [strategy.percent, 100];
    case 'linear': {
      const steps: number[] = [];
      for (let share = strategy.stepPercent; share < 100; share += strategy.stepPercent) steps.push(Math.round(share * 10) / 10);
      return [...steps, 100];
    }
    case 'blueGreen':
    case 'rolling':
      return [100];
  }
}
