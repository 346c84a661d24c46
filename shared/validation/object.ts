import * as v from 'valibot';
import { typeName } from './messages.js';

// Valibot's object schemas take an array for an object (typeof [] is
// "object"); zod's, which Shipwatch was written with, refuse it, and so must
// these: an array is never an event, a state or a config. The check comes
// first in a pipe, so an array is refused as a whole, not field by field.

const isPlainObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
const notAnObject = (issue: v.BaseIssue<unknown>) => `Invalid input: expected object, received ${typeName(issue.input)}`;

/** `v.object` (unknown keys dropped) that refuses arrays; `message` replaces "expected object, received …". */
export const object = <const E extends v.ObjectEntries>(entries: E, message?: string) =>
  v.pipe(v.custom<Record<string, unknown>>(isPlainObject, message ?? notAnObject), v.object(entries));

/** `v.looseObject` (unknown keys kept) that refuses arrays. */
export const looseObject = <const E extends v.ObjectEntries>(entries: E, message?: string) =>
  v.pipe(v.custom<Record<string, unknown>>(isPlainObject, message ?? notAnObject), v.looseObject(entries));
