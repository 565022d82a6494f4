/**
 * What the dashboard shares with the CLI, the MCP bridge and the benchmarks, bundled into
 * public/assets/shared.js by `npm run build` (scripts/build.mjs): the event follower, the progress fold,
 * event descriptions and durations. Nothing here may import zod; events are checked by a validator the
 * build compiles from JobEventSchema.
 */
/// <reference path="./job-event-validator.d.ts" />
import isJobEvent from "virtual:job-event-validator";
import type { EventParser } from "./events/follow.ts";
import type { JobEvent } from "./protocol.ts";

export { describeEvent } from "./events/describe.ts";
export { EventStreamError, followJobEvents } from "./events/follow.ts";
export type { AgentProgress, JobProgress } from "./events/progress.ts";
export { applyEvent, emptyProgress, hasEnded, jobPercent } from "./events/progress.ts";
export { formatDuration } from "./lib/duration.ts";

/** The event, when the candidate matches JobEventSchema (as the compiled validator checks it); null otherwise. */
export const parseJobEvent: EventParser = (candidate) =>
	// The validator was compiled from JobEventSchema, so a candidate it accepts is a JobEvent.
	isJobEvent(candidate) ? (candidate as JobEvent) : null;
