import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The platform's clock. Always the real time, except inside `atTime(t, fn)`, which the demo generator
 * uses to write a plausible history through the real commands (a complaint received and accepted last
 * month, a patrol filed on its due day). Commands and the timestamps of the workflow entities read
 * `now()`; nothing in a request ever sets the clock.
 */
const storage = new AsyncLocalStorage<number>();

/** The current time (the real time unless inside `atTime`). */
export function now(): Date {
  const at = storage.getStore();
  return new Date(at ?? Date.now());
}

/** Runs `fn` with the clock standing at `at` (for generating history; never in a request). */
export function atTime<T>(at: Date, fn: () => T): T {
  return storage.run(at.getTime(), fn);
}
