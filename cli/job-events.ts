/** Following a job's live events from the CLI: the shared follower, with its failures as CLI exit codes. */
import { EventStreamError, followJobEvents } from "../src/events/follow.ts";
import { parseJobEvent } from "../src/events/parse-event.ts";
import type { JobEvent } from "../src/protocol.ts";
import { type ApiClient, errorFromResponse } from "./api-client.ts";
import { CliError, EXIT, interrupted } from "./errors.ts";

export type FollowOptions = {
	client: ApiClient;
	jobId: string;
	signal: AbortSignal;
	/** Called once per event, in order, never twice for the same sequence number. */
	onEvent: (event: JobEvent) => void;
};

/**
 * Follows the job's events until its terminal event and returns that event. A refused stream throws the
 * API's error; a stream lost for good throws with the unreachable exit code; Ctrl-C with the interrupted one.
 */
export async function followJob(options: FollowOptions): Promise<JobEvent> {
	const { client, jobId, signal, onEvent } = options;
	try {
		return await followJobEvents({
			jobId,
			fetch: (path, init) => client.request(path, init),
			parseEvent: parseJobEvent,
			onEvent,
			signal,
		});
	} catch (error) {
		if (signal.aborted) throw interrupted();
		if (!(error instanceof EventStreamError)) throw error;
		if (error.response) throw await errorFromResponse(error.response);
		throw new CliError(error.message, error.reason === "lost" ? EXIT.unreachable : EXIT.failed);
	}
}
