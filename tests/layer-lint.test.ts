// The layer rule fails the lint on a wrong-way import (common/ reaching into a service, one service's HTTP code into
// another's, one service's domain code or tables into another's) and lets the right-way ones through.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { layerImportRules } from '../eslint.layer-rules.js';

const lint = new ESLint({
  cwd: fileURLToPath(new URL('..', import.meta.url)),
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, layerImportRules],
});

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await lint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the layer import rule', () => {
  it.each([
    ["import { SessionStatusSchema } from '../api/users/schemas.ts';", 'common/probe.ts', 'common/ is shared by every service'],
    ["import type { Booking } from '../../entities/bookings/booking.entity.ts';", 'common/http/probe.ts', 'common/ is shared'],
    ["import { usersService } from '../workers/users.service.ts';", 'contracts/probe.ts', 'contracts/ are what services agree on'],
    [
      "import { registerUsersRoutes } from '../../api/users/users.routes.ts';",
      'domain/users/probe.ts',
      'Domain code is called by its adapters',
    ],
    ["import { createAccount } from '../../domain/users/accounts.ts';", 'entities/users/probe.ts', 'entities/ hold the tables'],
    ["import { RevocationsSchema } from '../users/schemas.ts';", 'api/gateway/probe.ts', "imports no other service's HTTP code"],
    ["import { holdSeats } from '../events/seats.ts';", 'domain/bookings/probe.ts', "imports no other service's domain code"],
    ["import type { Payment } from '../payments/payment.entity.ts';", 'entities/bookings/probe.ts', "imports no other service's tables"],
  ])('refuses %s in %s', async (code, filePath, reason) => {
    const found = await problems(code, filePath);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('import-x/no-restricted-paths');
    expect(found[0]).toContain(reason);
  });

  it('refuses a sibling module named by a .js specifier, which the layer check could not follow', async () => {
    const found = await problems("import type { UserView } from '../api/users/schemas.js';", 'common/probe.ts');
    expect(found).toEqual([expect.stringContaining('no-restricted-imports')]);
  });

  it.each([
    ["import { SessionStatusSchema } from '../auth/session-status.ts';", 'common/http/probe.ts'],
    ["import { createServiceClient } from '../../common/http/service-client.ts';", 'api/bookings/probe.ts'],
    ["import { UserAccount } from '../../entities/users/user-account.entity.ts';", 'domain/users/probe.ts'],
    ["import { userRegisteredV1 } from '../../contracts/users.ts';", 'domain/users/probe.ts'],
    ["import { registerUsersRoutes } from '../api/users/users.routes.ts';", 'workers/probe.ts'],
  ])('accepts %s in %s', async (code, filePath) => {
    expect(await problems(code, filePath)).toEqual([]);
  });
});
