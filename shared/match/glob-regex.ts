// A tag glob's regular expression, as picomatch compiles it.
//
// From source (tests, the sandbox, the CLI, packaging): picomatch, here and now.
// In the zips, infra/esbuild-plugins.cjs replaces this module with the
// expressions picomatch compiled at packaging time for every glob in the
// packaged config, so picomatch (24 KB) ships in no function. A glob that is
// not in the packaged config (an execution started before Shipwatch was
// packaged with another config) is refused there, naming it.
import picomatch from 'picomatch';

/** The options every tag glob is compiled with. */
export const GLOB_OPTIONS = { dot: true } as const;

export function globRegex(glob: string): RegExp {
  return picomatch.makeRe(glob, GLOB_OPTIONS);
}
