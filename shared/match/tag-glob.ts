import { globRegex } from './glob-regex.js';

const compiled = new Map<string, RegExp>();

/**
 * Does `tag` match `glob`? picomatch's own test (picomatch.test): an empty
 * input never matches, the glob itself always does, anything else is the
 * compiled expression's.
 */
export function tagMatches(glob: string, tag: string): boolean {
  if (tag === '') return false;
  if (tag === glob) return true;
  let regex = compiled.get(glob);
  if (!regex) compiled.set(glob, (regex = globRegex(glob)));
  return regex.test(tag);
}
