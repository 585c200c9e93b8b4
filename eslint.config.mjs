import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/coverage',
      '**/.nx',
      'libs/database/src/generated/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      // Apps never import each other; libraries only import what their type allows; the
      // scoring library stays free of every framework so anyone can run it anywhere.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:util',
                'type:data-access',
                'type:algorithm',
                'type:testing',
                'type:verifier',
              ],
            },
            {
              sourceTag: 'type:data-access',
              // The algorithm too: scoring-store feeds it from PostgreSQL and publishes its result.
              // The verifier too: mirroring checks what it pulls with the auditors' own checks.
              onlyDependOnLibsWithTags: [
                'type:util',
                'type:data-access',
                'type:testing',
                'type:algorithm',
                'type:verifier',
              ],
            },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util'] },
            {
              sourceTag: 'type:algorithm',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: [
                '@nestjs/*',
                '@prisma/*',
                'bullmq',
                'ioredis',
                'pg',
                'express',
                'nestjs-pino',
              ],
            },
            {
              // The open-data verifier runs the scorer and the protocol checks, and nothing
              // that needs a server: auditors run it on their own machines.
              sourceTag: 'type:verifier',
              onlyDependOnLibsWithTags: ['type:util', 'type:algorithm'],
              bannedExternalImports: [
                '@nestjs/*',
                '@prisma/*',
                'bullmq',
                'ioredis',
                'pg',
                'express',
              ],
            },
            {
              sourceTag: 'type:e2e',
              // The algorithm only for its synthetic data: end-to-end tests plant communities.
              onlyDependOnLibsWithTags: [
                'type:util',
                'type:data-access',
                'type:testing',
                'type:algorithm',
              ],
            },
            { sourceTag: 'scope:api', notDependOnLibsWithTags: ['scope:worker'] },
            { sourceTag: 'scope:worker', notDependOnLibsWithTags: ['scope:api'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Workspace tooling: Jest loads its global hooks, and tsx the database scripts, with Node's
    // own resolver, which knows no tsconfig paths; hence relative imports of the libraries.
    files: ['tools/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Build configuration, not source: it may share workspace tooling from tools/.
    files: ['**/webpack.config.js'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
