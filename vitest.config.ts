import { defineConfig } from 'vitest/config';

// Every test runs on PGlite. With TEST_DATABASE_URL set, the flow tests (test/**, the ones that
// touch the database) run again on that PostgreSQL server, in a database of their own; the unit
// tests beside the code (src/**) need no database.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'pglite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['test/setup-pglite.ts'],
          env: { PARLEY_TEST_DB: 'pglite' },
        },
      },
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              test: {
                name: 'postgres',
                include: ['test/**/*.test.ts'],
                globalSetup: ['test/setup-postgres.ts'],
                env: { PARLEY_TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
