/**
 * `/v1/research`: submit a job, read it, list, cancel, read its report and provenance, and follow its
 * live events to the end.
 */
import { EventStreamError, followJobEvents, type RetryPolicy } from "../events/follow.ts";
import { parseJobEvent } from "../events/parse-event.ts";
import {
	type JobAccepted,
	JobAcceptedSchema,
	type JobEvent,
	type JobList,
	JobListSchema,
	type JobStatus,
	type JobView,
	JobViewSchema,
	type ReportFormat,
	type ResearchRequest,
} from "../protocol.ts";
import { type Provenance, ProvenanceSchema } from "../synthesis/provenance.ts";
import { type Report, ReportSchema } from "../synthesis/report-schema.ts";
import { apiErrorOf } from "./errors.ts";
import { type CallOptions, Resource, segment } from "./transport.ts";

export type SubmitOptions = CallOptions & {
	/** The same key with the same request returns the first job; with another request the API answers 409. */
	idempotencyKey?: string;
};

export type ListJobsQuery = {
	status?: JobStatus;
	/** Jobs per page, 1 to 100; default 20. */
	limit?: number;
	/** The `nextCursor` of the page before. */
	cursor?: string;
};

export type FollowJobOptions = {
	/** Called once per event, in order, never twice for one event; awaited before the next. */
	onEvent?: (event: JobEvent) => void | Promise<void>;
	/** Hears when a connection opens (true) and when it is lost and about to be retried (false). */
	onConnection?: (open: boolean) => void;
	/** Start after this event's `seq` (the last one an earlier run saw); default from the first event. */
	lastEventId?: number;
	/** When to reconnect after a drop and when to give up; default `DEFAULT_RETRY_POLICY`. */
	retry?: Partial<RetryPolicy>;
	signal?: AbortSignal;
};

function jobPath(jobId: string, ...rest: string[]): string {
	return ["/v1/research", segment(jobId), ...rest].join("/");
}

/** The research jobs of the client's tenant. */
export class ResearchResource extends Resource {
	/**
	 * Submits a job; the API validates the request and answers before any agent runs.
	 * @example const { id } = await client.research.submit({ task: "Heat pumps in cold climates", depth: 7 });
	 */
	submit(request: ResearchRequest, options: SubmitOptions = {}): Promise<JobAccepted> {
		const { idempotencyKey, ...call } = options;
		const headers =
			idempotencyKey === undefined ? call.headers : { ...call.headers, "idempotency-key": idempotencyKey };
		return this.transport.post(JobAcceptedSchema, "/v1/research", request, {
			...call,
			...(headers ? { headers } : {}),
		});
	}

	/** A job: status, effective configuration, plan, progress, sources, metrics and (in goal mode) its sub-goals. */
	get(jobId: string, options: CallOptions = {}): Promise<JobView> {
		return this.transport.get(JobViewSchema, jobPath(jobId), options);
	}

	/**
	 * A page of jobs, newest first.
	 * @example const { jobs, nextCursor } = await client.research.list({ status: "completed", limit: 10 });
	 */
	list(query: ListJobsQuery = {}, options: CallOptions = {}): Promise<JobList> {
		return this.transport.get(JobListSchema, "/v1/research", options, query);
	}

	/** Cancels a job that has not ended and returns it; a job that has ended is an ApiError 409 (`job_finished`). */
	cancel(jobId: string, options: CallOptions = {}): Promise<JobView> {
		return this.transport.post(JobViewSchema, jobPath(jobId, "cancel"), undefined, options);
	}

	/**
	 * A completed job's report: the JSON report (validated by the report schema), or its Markdown or HTML
	 * text. An unfinished job is an ApiError 409; a format the job did not produce, 404 `format_not_generated`.
	 * @example const report = await client.research.report(id, "json"); // report.quality.overall
	 */
	report(jobId: string, format: "json", options?: CallOptions): Promise<Report>;
	report(jobId: string, format: "markdown" | "html", options?: CallOptions): Promise<string>;
	report(jobId: string, format: ReportFormat, options?: CallOptions): Promise<Report | string>;
	report(jobId: string, format: ReportFormat, options: CallOptions = {}): Promise<Report | string> {
		const spec = { ...options, query: { format } };
		return format === "json"
			? this.transport.json(ReportSchema, jobPath(jobId, "report"), spec)
			: this.transport.text(jobPath(jobId, "report"), spec);
	}

	/** Every finding's verdict and each quote's source, snapshot hash, offsets and retrieval time. */
	provenance(jobId: string, options: CallOptions = {}): Promise<Provenance> {
		return this.transport.get(ProvenanceSchema, jobPath(jobId, "provenance"), options);
	}

	/**
	 * Follows the job's live events until its terminal event, which it returns. A dropped connection is
	 * reopened after the last event seen (`Last-Event-ID`), so no event is missed or repeated. Throws
	 * ApiError when the API refuses the stream (an unknown job, a bad key), EventStreamError when the
	 * stream stays lost for longer than the retry policy allows or an event breaks the protocol, and the
	 * signal's reason when it aborts.
	 * @example
	 * const last = await client.research.follow(id, { onEvent: (event) => console.log(event.seq, event.type) });
	 * // last.type: "job.completed" | "job.failed" | "job.cancelled"
	 */
	async follow(jobId: string, options: FollowJobOptions = {}): Promise<JobEvent> {
		const { onEvent, onConnection, lastEventId, retry, signal } = options;
		try {
			return await followJobEvents({
				jobId,
				fetch: (path, init) => this.transport.fetch(path, init),
				parseEvent: parseJobEvent,
				onEvent: onEvent ?? (() => {}),
				...(onConnection ? { onConnection } : {}),
				...(lastEventId === undefined ? {} : { lastEventId }),
				...(retry ? { retry } : {}),
				...(signal ? { signal } : {}),
			});
		} catch (error) {
			if (error instanceof EventStreamError && error.response) throw await apiErrorOf(error.response);
			throw error;
		}
	}
}
