// Which way dependencies point between the top-level roles, so a wrong-way import fails the lint rather than a review.
// common/ and contracts/ know no service; domain code knows none of its adapters; a service's HTTP code knows no
// other service's code in the same role. Service folders are read from disk, so a new service is covered without an edit.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const ROOT = import.meta.dirname;
/** Entry points and tests sit on top of everything: nothing below them may import them. */
const TOP = ['scripts', 'tests', 'main.ts'];
const foldersOf = (role) =>
  readdirSync(join(ROOT, role), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

/** Within a role, one service's folder imports no other service's: what two services share lives below them. */
const servicesApart = (role, message) => {
  const services = foldersOf(role);
  return services.map((service) => ({
    target: `${role}/${service}`,
    from: services.filter((other) => other !== service).map((other) => `${role}/${other}`),
    message: `${role}/${service}/ ${message}`,
  }));
};

const zones = [
  {
    target: 'common',
    from: ['api', 'domain', 'entities', 'workflows', 'activities', 'workers', ...TOP],
    message:
      'common/ is shared by every service and knows none of them: no api/, domain/, entities/, workflows/, activities/, workers/ or scripts/.',
  },
  {
    target: 'contracts',
    from: ['api', 'domain', 'entities', 'workflows', 'activities', 'workers', ...TOP],
    message: 'contracts/ are what services agree on and import only common/ (and zod).',
  },
  {
    target: 'entities',
    from: ['api', 'domain', 'workflows', 'activities', 'workers', ...TOP],
    message: 'entities/ hold the tables and import none of the code that uses them.',
  },
  {
    target: 'domain',
    from: ['api', 'workflows', 'activities', 'workers', ...TOP],
    message: 'Domain code is called by its adapters (api/, activities/, workers/) and imports none of them, nor workflow code.',
  },
  {
    target: 'activities',
    from: ['api', 'workers', ...TOP],
    message: 'Activities are called by Temporal and import no HTTP or process wiring (api/, workers/).',
  },
  {
    target: 'workflows',
    from: ['api', 'workers', ...TOP],
    message: 'Workflow code imports no HTTP or process wiring (api/, workers/).',
  },
  {
    target: 'api',
    from: ['workers', ...TOP],
    message: 'HTTP code is mounted by the service wiring in workers/ and does not import it.',
  },
  ...servicesApart('api', "imports no other service's HTTP code; what two services share lives in common/ or contracts/."),
  ...servicesApart('domain', "imports no other service's domain code: services meet through contracts/, activities and HTTP."),
  ...servicesApart('entities', "imports no other service's tables: each service owns its own database."),
].filter((zone) => zone.from.length > 0);

/** @type {import('eslint').Linter.Config} */
export const layerImportRules = {
  files: ['**/*.ts'],
  plugins: { 'import-x': importX },
  settings: { 'import-x/resolver-next': [createNodeResolver()] },
  rules: {
    'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones }],
    // The layer check resolves `.ts` specifiers only; a `.js` one would slip past it unresolved (the lint's own
    // configuration files are the only JavaScript modules).
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^\\.{1,2}/(?!(.*/)?eslint\\.[\\w.-]+\\.js$).*\\.js$',
            message: 'Import sibling modules by their .ts name, as everywhere in Eventix.',
          },
        ],
      },
    ],
  },
};
