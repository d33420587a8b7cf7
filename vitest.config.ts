import { defineConfig } from 'vitest/config';
import { SHARED_ALIAS } from './renderer/vite.config.ts';

export default defineConfig({
  resolve: { alias: SHARED_ALIAS },
  test: {
    include: ['test/**/*.test.ts'],
    // The integration tests start real rsync daemons and watch real folders: give them room,
    // and run files in parallel processes (each test gets its own daemon and temp dirs).
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
