#!/usr/bin/env node
// The `shipwatch` command: runs the TypeScript sources through tsx, so a
// clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
// Anything that ends the process before main() answers (a promise nobody
// settles) must not pass for success.
process.exitCode = 1;
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`shipwatch: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
