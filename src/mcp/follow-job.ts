/** Follows a job's live events through the API until the job ends, for a tool call that waits for it. */
import { EventStreamError, followJobEvents } from "../events/follow";
import { parseJobEvent } from "../events/parse-event";
import type { JobEvent } from "../protocol";
import { ApiCallError, type CallApi, readAnswer } from "./api-client";

export type FollowOptions = {
	/** Called once per event, in order; a resumed stream never repeats an event. */
	onEvent: (event: JobEvent) => Promise<void>;
	signal: AbortSignal;
};

/**
 * Reads the job's events until its terminal event and returns that event. A refused stream throws the
 * API's answer as an ApiCallError; a stream lost for good throws an EventStreamError.
 */
export async function followJob(callApi: CallApi, jobId: string, options: FollowOptions): Promise<JobEvent> {
	try {
		return await followJobEvents({ jobId, fetch: callApi, parseEvent: parseJobEvent, ...options });
	} catch (error) {
		if (!(error instanceof EventStreamError && error.response)) throw error;
		const answer = await readAnswer(error.response);
		throw new ApiCallError(answer.status, answer.body);
	}
}
