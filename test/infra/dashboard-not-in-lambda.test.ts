import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The dashboard runs on the operator's machine; nothing of it may reach a
// Lambda bundle (and so a cold start). Each function is bundled as
// serverless.yml has esbuild bundle it, and its inputs are read.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FUNCTIONS = readdirSync(new URL('../../functions/', import.meta.url)).filter((f) => f.endsWith('.ts'));

async function inputsPerEntry(entryPoints: string[]): Promise<Map<string, string[]>> {
  const out = await build({
    absWorkingDir: ROOT,
    entryPoints,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    outdir: 'out',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return new Map(
    Object.values(out.metafile.outputs)
      .filter((o) => o.entryPoint)
      .map((o) => [o.entryPoint!, Object.keys(o.inputs)]),
  );
}

describe('the dashboard is not part of any Lambda bundle', () => {
  it('no function bundles anything of cli/ (the dashboard included) or the browser driver', async () => {
    const bundles = await inputsPerEntry(FUNCTIONS.map((f) => `functions/${f}`));

    expect([...bundles.keys()].sort()).toEqual(FUNCTIONS.map((f) => `functions/${f}`).sort());
    for (const [entry, inputs] of bundles) {
      expect(
        inputs.filter((i) => i.startsWith('cli/') || i.includes('playwright')),
        entry,
      ).toEqual([]);
    }
    // The approval decision the dashboard shares with Slack is in the interaction function, as it should be.
    expect(bundles.get('functions/slack-interaction.ts')).toContain('shared/approvals/decide.ts');
  }, 120_000);

  it('while the dashboard itself bundles its server and pages (the check above can see them)', async () => {
    const bundles = await inputsPerEntry(['cli/dashboard/start.ts']);

    expect(bundles.get('cli/dashboard/start.ts')).toEqual(
      expect.arrayContaining(['cli/dashboard/server.ts', 'cli/dashboard/render/pages.ts', 'cli/dashboard/render/charts.ts']),
    );
  }, 60_000);
});
