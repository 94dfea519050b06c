// `node scripts/bundle-workflows.ts <out-file>`: the workflows and their interceptors as one bundle, built ahead of
// time (the image does it at build), so a worker started with TEMPORAL_WORKFLOW_BUNDLE=<out-file> skips webpack.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflows } from '../workers/temporal-worker.ts';

const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/bundle-workflows.ts <out-file>');
  process.exit(2);
}
const file = resolve(out);
const code = await bundleWorkflows();
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, code);
console.log(`workflow bundle written to ${file} (${Math.round(code.length / 1024)} KiB)`);
