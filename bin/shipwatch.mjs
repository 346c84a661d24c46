#!/usr/bin/env node
// The `shipwatch` command: runs the TypeScript sources through tsx, so a
// clone needs no build step.
import { register } from 'tsx/esm/api';

// Lambda runs nodejs22.x; so must everything here (npm start and npx use the repo's own Node 22).
if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(
    `shipwatch needs Node 22 or later (this is ${process.version}); run it through npm start or npx shipwatch, which use the Node 22 that npm ci installed`,
  );
  process.exit(2);
}

register();
const { main } = await import('../cli/main.ts');
// Anything that ends the process before main() answers (a promise nobody
// settles) must not pass for success.
process.exitCode = 1;
// main() reports its own errors and never throws.
process.exitCode = await main(process.argv.slice(2));
