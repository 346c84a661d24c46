import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import '../../shared/validation/messages.js';
import { describeIssues, isIsoDateTime } from '../../shared/validation/issues.js';
import { looseObject, object } from '../../shared/validation/object.js';

// The function-side schemas are Valibot with zod's words (the messages every
// error of Shipwatch was written with, and its reliability suite checks).

const describe_ = (schema: v.GenericSchema, value: unknown) => describeIssues(v.safeParse(schema, value).issues ?? [], '(input)', schema);

describe('Valibot in zod’s words', () => {
  it('names the type a missing field should have, through optional, nested and piped objects', () => {
    // Prepare
    const schema = object({
      phase: v.picklist(['rollout', 'rollback']),
      state: object({ release: object({ digest: v.pipe(v.string(), v.minLength(1)) }), note: v.optional(v.string()) }),
    });

    // Act / Assess
    expect(describe_(schema, { state: { release: {} } })).toEqual([
      'phase: Invalid option: expected one of "rollout"|"rollback"',
      'state.release.digest: Invalid input: expected string, received undefined',
    ]);
  });

  it('refuses an array or null where an object belongs, as a whole', () => {
    expect(describe_(object({ a: v.string() }), [])).toEqual(['(input): Invalid input: expected object, received array']);
    expect(describe_(looseObject({ a: v.optional(v.string()) }), null)).toEqual(['(input): Invalid input: expected object, received null']);
    expect(describe_(looseObject({ a: v.optional(v.string()) }, 'a service config'), 'web')).toEqual(['(input): a service config']);
  });

  it('says what is too small and which literal was expected', () => {
    expect(
      describe_(object({ id: v.pipe(v.string(), v.minLength(1)), list: v.pipe(v.array(v.string()), v.minLength(1)), n: v.pipe(v.number(), v.minValue(1)) }), {
        id: '',
        list: [],
        n: 0,
      }),
    ).toEqual([
      'id: Too small: expected string to have >=1 characters',
      'list: Too small: expected array to have >=1 items',
      'n: Too small: expected number to be >=1',
    ]);
    expect(describe_(object({ source: v.literal('aws.ecr') }), { source: 'aws.ec2' })).toEqual(['source: Invalid input: expected "aws.ecr"']);
  });

  it('reports a union by the one option whose type the value has, else by its own message', () => {
    // Prepare
    const required = object({ required: v.union([v.boolean(), v.array(v.pipe(v.string(), v.minLength(1)))], 'true, false, or a list of tag globs') });

    // Act / Assess
    expect(describe_(required, { required: [''] })).toEqual(['required[0]: Too small: expected string to have >=1 characters']);
    expect(describe_(required, { required: 'yes' })).toEqual(['required: true, false, or a list of tag globs']);
  });
});

describe('isIsoDateTime', () => {
  it('accepts what zod’s iso.datetime({ offset: true }) accepts: seconds, a Z or ±hh:mm, a real calendar day', () => {
    expect(['2019-11-16T01:54:34Z', '2024-02-29T23:59:59.999+05:30', '2022-07-22T15:57:45.394-00:00'].map(isIsoDateTime)).toEqual([true, true, true]);
    expect(
      ['2023-02-29T00:00:00Z', '2019-11-16T01:54Z', '2019-11-16T01:54:34', '2019-11-16T01:54:34+0000', '2019-11-16 01:54:34Z', '2019-13-01T00:00:00Z'].map(
        isIsoDateTime,
      ),
    ).toEqual([false, false, false, false, false, false]);
  });
});
