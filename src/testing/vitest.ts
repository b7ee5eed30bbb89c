/**
 * `import 'secours/testing/vitest'` (in a test file or in `setupFiles`) registers the matchers
 * and disposes every `createTestRouter` after each test.
 */
import { afterEach, expect } from 'vitest';
import type { ChannelStatus } from '../snapshot.js';
import { type SecoursMatchers, toBeReferredTo, toBeServedBy, toBeUncertain, toHaveChannelStatus } from './matchers.js';
import { disposeTestRouters } from './test-router.js';

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: vitest's own declaration uses `any`
  interface Assertion<T = any> extends SecoursMatchers<T> {}
  interface AsymmetricMatchersContaining extends SecoursMatchers {}
}

expect.extend({
  toBeServedBy(received: unknown, channel?: string) {
    return toBeServedBy(received, channel, this.isNot);
  },
  toBeReferredTo(received: unknown, ...channels: string[]) {
    return toBeReferredTo(received, channels, this.isNot);
  },
  toBeUncertain(received: unknown, reference?: string) {
    return toBeUncertain(received, reference, this.isNot);
  },
  toHaveChannelStatus(received: unknown, channel: string, status: ChannelStatus) {
    return toHaveChannelStatus(received, channel, status, this.isNot);
  },
});

afterEach(() => {
  disposeTestRouters();
});

export type { SecoursMatchers };
