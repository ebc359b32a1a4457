import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['ci/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
