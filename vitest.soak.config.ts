import { defineConfig } from 'vitest/config';

/**
 * `npm run soak`: the reliability suite with its long parameters (SHARELEDGER_SOAK=1 selects
 * them; see tests/reliability/support.ts). Files run one at a time so their timings do not
 * disturb each other.
 */
export default defineConfig({
  test: {
    include: ['tests/reliability/**/*.test.ts'],
    env: { SHARELEDGER_SOAK: '1' },
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
