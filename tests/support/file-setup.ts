// Runs before each test file, in its process: the file gets a Temporal namespace of its own, which every service,
// worker, client and child process it starts uses through testEnv(). Without it, a worker started by one file could
// run another file's activities, and a test about a restarted worker could be finished by somebody else's.
import { basename } from 'node:path';
import { expect, inject } from 'vitest';
import { freshNamespace } from './namespace.ts';

const file = basename(expect.getState().testPath ?? 'tests', '.test.ts');
process.env.EVENTIX_TEST_NAMESPACE = await freshNamespace(inject('testEnv').TEMPORAL_ADDRESS!, file);
