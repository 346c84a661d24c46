import * as v from 'valibot';
import { looseObject } from '../../validation/object.js';

const text = v.pipe(v.string(), v.minLength(1));

/** `target.ecs` as it travels in the execution state: what the functions read (config.ts validated the rest at the edge). */
export const ecsState = looseObject({ cluster: text, service: text, container: text });
