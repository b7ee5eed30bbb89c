// `secours/redis`: a fleet of instances sharing outages and breaker trips through Redis. Node
// only; `ioredis` is an optional peer dependency. Everything public is listed here.

export { connectFleet, type Fleet, type FleetOptions } from './connect-fleet.js';
export type { FleetEvents, FleetOutageEvent, FleetRoutesEvent } from './events.js';
export { decideQuorum, type QuorumDecision, type QuorumInput, type RouteDown, type Trip } from './quorum.js';
