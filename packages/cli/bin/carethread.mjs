#!/usr/bin/env node
// The `carethread` command: runs the TypeScript sources through tsx, no build step. It calls
// `main` itself: reached through node_modules/.bin, process.argv[1] is the link's path, so
// main.ts cannot tell from it that it is the entry point.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
// `start` never resolves: the server keeps the process alive until a signal stops it.
process.exit(await main(process.argv.slice(2)));
