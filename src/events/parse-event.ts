/** Validation of job events with the protocol's schema, for the clients that run in Node or the Worker. */
import { JobEventSchema } from "../protocol.ts";
import type { EventParser } from "./follow.ts";

/**
 * The event, when the candidate matches `JobEventSchema`; null otherwise.
 * @example parseJobEvent({ seq: 1, type: "agent.dispatched", data: {} }) // null: no jobId, at or agent reference
 */
export const parseJobEvent: EventParser = (candidate) => {
	const parsed = JobEventSchema.safeParse(candidate);
	return parsed.success ? parsed.data : null;
};
