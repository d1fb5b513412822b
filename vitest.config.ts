import { defineConfig } from 'vitest/config';

// Every test runs on PGlite. With TEST_DATABASE_URL set, the database tests (test/**, and
// src/**/*.db.test.ts) run again on that PostgreSQL server, in a database of their own.
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
                include: ['src/**/*.db.test.ts', 'test/**/*.test.ts'],
                globalSetup: ['test/setup-postgres.ts'],
                env: { PARLEY_TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
