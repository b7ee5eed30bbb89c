// `secours/testing`: fault injection, virtual time, incident replays. Everything public is listed here.
// The vitest matchers are registered by `secours/testing/vitest`.

export {
  type Behaviour,
  type BehaviourKind,
  type ChaosController,
  type ChaosCount,
  ChaosError,
  type ChaosOptions,
  type ChaosTarget,
  createChaos,
} from './chaos.js';
export { formatHtml } from './format-html.js';
export { formatText } from './format-text.js';
export {
  describeOutcome,
  type MatcherResult,
  type SecoursMatchers,
  toBeReferredTo,
  toBeServedBy,
  toBeUncertain,
  toHaveChannelStatus,
} from './matchers.js';
export { formatProbeComparison } from './probe-comparison.js';
export { createRandom, type Random } from './random.js';
export {
  type Bucket,
  type ClosedSpan,
  type Counts,
  type FailureReport,
  formatJson,
  type ScenarioReport,
  type TimelineMark,
} from './report.js';
export { type RunScenarioOptions, runScenario } from './run-scenario.js';
export { parseScenario, type Scenario, type ScenarioEvent, type ScenarioInput } from './scenario.js';
export { PRESETS, scenarioSchema } from './scenario-schema.js';
export { scenarios } from './scenarios/index.js';
export {
  createTestRouter,
  disposeTestRouters,
  type TestRouter,
  type TestRouterOptions,
} from './test-router.js';
export { useVirtualTime, type VirtualTime, type VirtualTimeOptions } from './virtual-time.js';
