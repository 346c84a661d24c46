import * as v from 'valibot';
import { looseObject } from '../../validation/object.js';

const text = v.pipe(v.string(), v.minLength(1));

/** `target.eks` as it travels in the execution state: what the functions read (config.ts validated the rest at the edge). */
export const eksState = looseObject({ cluster: text, namespace: text, deployment: text, container: text });
