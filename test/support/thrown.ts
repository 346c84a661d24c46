import { expect } from 'vitest';

/**
 * Runs `act` and returns the error it throws, which must be an instance of
 * `type` carrying that class's name (the name is the contract with Step
 * Functions and the logs). Fails the test if `act` throws nothing or
 * something else, so a test can go on to assert on the error's fields.
 */
export function thrownBy<E extends Error>(type: abstract new (...args: never[]) => E, act: () => unknown): E {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    expect((error as Error).name).toBe(type.name);
    return error as E;
  }
  throw new Error(`expected ${type.name}, nothing was thrown`);
}
