import type { $ZodIssue } from 'zod/v4/core';

// For the config schema (classic zod: packaging and the CLI). The functions'
// schemas are Valibot, whose unions do this themselves (validation/issues.ts).

/** zod's English message for a key that is not there. */
const isMissing = (issue: $ZodIssue): boolean => issue.code === 'invalid_type' && /, received undefined$/.test(issue.message);

/**
 * A value that fits no branch of a union is one `invalid_union` issue: "Invalid
 * input", or the union's own message, naming neither the inner field nor what
 * it expects. When the value has the type of some branch (an object for an
 * object branch), the one meant is almost always the branch it came closest to
 * (fewest keys missing, then fewest problems), so that branch's own issues are
 * reported instead, under the union's path. A value of no branch's type keeps
 * the union's message, which is where an explicit one (`error`) pays off.
 */
export function expandUnions(issues: readonly $ZodIssue[]): $ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union') return [issue];
    const branch = closestBranch(issue.errors);
    if (!branch) return [issue];
    return expandUnions(branch.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })));
  });
}

function closestBranch(branches: readonly (readonly $ZodIssue[])[]): readonly $ZodIssue[] | undefined {
  // A branch refused at its own path did not accept the value's type at all.
  const typed = branches.filter((issues) => issues.length > 0 && issues.every((i) => i.path.length > 0));
  const score = (issues: readonly $ZodIssue[]) => [issues.filter(isMissing).length, issues.length] as const;
  return typed.reduce<readonly $ZodIssue[] | undefined>((best, issues) => {
    if (!best) return issues;
    const [m, n] = score(issues);
    const [bm, bn] = score(best);
    return m < bm || (m === bm && n < bn) ? issues : best;
  }, undefined);
}
