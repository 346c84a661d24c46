/** Argo Rollouts' closed set of analysis phases; "Running" means no verdict yet. */
export type Phase = 'Successful' | 'Running' | 'Failed' | 'Inconclusive';

export interface HealthVerdict {
  check: string;
  kind: 'alarm' | 'metric';
  phase: Phase;
  /** The arithmetic, e.g. "5xx rate 7.2% > 2% in 3 of 5 periods, failure limit 2". */
  message: string;
  breaches?: number;
  missing?: number;
  periods?: number;
}

export const isFailing = (v: HealthVerdict) => v.phase === 'Failed' || v.phase === 'Inconclusive';

export function summarize(verdicts: readonly HealthVerdict[]): string {
  if (verdicts.length === 0) return 'no alarms or metrics configured';
  const failing = verdicts.filter(isFailing);
  return (failing.length > 0 ? failing : verdicts).map((v) => v.message).join('; ');
}
