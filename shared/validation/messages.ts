// Valibot serves every schema inside the Lambda functions (about 10 KB bundled
// for ours, against about 30 KB for zod/mini with its English messages; the
// classic zod API stays in config/schema.ts, which only packaging and the CLI
// run). Its messages are set here to the words zod uses, which the error
// messages of Shipwatch were written with: `Invalid input: expected string,
// received undefined`. Import this module wherever a schema is defined.
import * as v from 'valibot';

/** zod's name for a value's type: `array` and `null` apart from `object`, `NaN` apart from `number`. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}

/** Valibot's `expects` for a type (`Object`, `Array`, `string`) in zod's words. */
const expectedType = (expects: string | null) => (expects ?? 'value').toLowerCase();

v.setSchemaMessage((issue) => `Invalid input: expected ${expectedType(issue.expected)}, received ${typeName(issue.input)}`);
// One value: `Invalid input: expected "PUSH"`; several: `Invalid option: expected one of "a"|"b"`.
v.setSpecificMessage(v.literal, (issue) => `Invalid input: expected ${issue.expected}`);
// Valibot's `expected` for several values is `("a" | "b")`.
v.setSpecificMessage(
  v.picklist,
  (issue) =>
    `Invalid option: expected one of ${String(issue.expected)
      .replace(/^\((.*)\)$/, '$1')
      .split(' | ')
      .join('|')}`,
);
v.setSpecificMessage(
  v.minLength,
  (issue) =>
    `Too small: expected ${Array.isArray(issue.input) ? 'array' : 'string'} to have >=${String(issue.requirement)} ${Array.isArray(issue.input) ? 'items' : 'characters'}`,
);
v.setSpecificMessage(v.minValue, (issue) => `Too small: expected number to be >=${String(issue.requirement)}`);
// A union with no message of its own, whose value fits no option's type.
v.setSpecificMessage(v.union, () => 'Invalid input');
