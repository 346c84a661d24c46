import { ADMISSION, DEPLOYMENT, RELEASE, WEB } from './world.js';

// The execution state Step Functions hands the task handlers, built on the
// seeded world; the cases change one part of it at a time.

type Json = Record<string, unknown>;

/** The execution state as the task after AcquireLease sees it; `patch` adds, replaces or (undefined) removes keys. */
export function workflowState(patch: Json = {}): Json {
  const state: Json = { release: structuredClone(RELEASE), service: structuredClone(WEB), admission: structuredClone(ADMISSION), ...structuredClone(patch) };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete state[key];
  return state;
}
/** This push's release with some fields changed. */
export const withRelease = (patch: Json) => ({ ...structuredClone(RELEASE), ...patch });

/** The state once the deploy step ran: web:42 → web:43 under way. */
export const deployed = (patch: Json = {}) => workflowState({ deploy: structuredClone(DEPLOYMENT), ...patch });
