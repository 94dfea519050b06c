import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { workflowImportRules } from '../eslint.workflow-rules.js';

const lint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { '@typescript-eslint': tseslint.plugin } },
    workflowImportRules,
  ],
});

async function problems(code: string, filePath = 'workflows/probe.workflow.ts'): Promise<string[]> {
  const [result] = await lint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the workflow import rule', () => {
  it('accepts @temporalio/workflow, @temporalio/common, sibling workflow modules and type-only imports', async () => {
    const code = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import { defineSearchAttributeKey } from '@temporalio/common';",
      "import { TASK_QUEUES } from './task-queues.ts';",
      "import type { PlatformActivities } from '../activities/platform.activities.ts';",
      "import type { Orm } from '../common/db/orm.ts';",
    ].join('\n');
    expect(await problems(code)).toEqual([]);
  });

  it.each([
    ["import { readFile } from 'node:fs';", 'Node built-ins'],
    ["import crypto from 'crypto';", 'Node built-ins'],
    ["import { createPlatformActivities } from '../activities/platform.activities.ts';", 'import type'],
    ["import { Booking } from '../entities/bookings/booking.entity.ts';", 'import type'],
    ["import { Client } from '@temporalio/client';", 'import type'],
    ["import { Booking } from './../entities/bookings/booking.entity.ts';", 'import type'],
    ["import { helper } from './nested/helper.ts';", 'import type'],
  ])('refuses %s', async (code, reason) => {
    const found = await problems(code);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('@typescript-eslint/no-restricted-imports');
    expect(found[0]).toContain(reason);
  });

  it('refuses an inline type import, which still loads the module at run time', async () => {
    expect(await problems("import { type Orm } from '../common/db/orm.ts';")).toEqual([
      expect.stringContaining('@typescript-eslint/no-import-type-side-effects'),
    ]);
  });

  it.each(["const fs = await import('node:fs');", "const fs = require('node:fs');"])(
    'refuses loading modules at run time: %s',
    async (code) => {
      expect(await problems(code)).toEqual([expect.stringContaining('may not load modules at run time')]);
    },
  );

  it('leaves code outside workflows/ alone', async () => {
    expect(await problems("import { readFile } from 'node:fs';", 'activities/probe.activities.ts')).toEqual([]);
  });
});
