import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { OpenAPIHono } from "@hono/zod-openapi";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobEventValidatorSource } from "../../../scripts/job-event-validator.mjs";
import { describeEvent } from "../../../src/events/describe";
import { EVENT_TYPES, type JobEvent, JobEventSchema } from "../../../src/protocol";
import { completedJobLog, testMetrics } from "../../fixtures/job-events";

/** Events exactly as the coordinator has stored them, including goal mode's sub-goal and optional fields. */
const PERSISTED = [
	{
		seq: 3,
		type: "agent.dispatched",
		data: { agentId: "g1/explorer", role: "explorer", attempt: 1, subgoalId: "g1", jobId: "job_2", at: 5 },
	},
	{
		seq: 4,
		type: "agent.progress",
		data: { agentId: "explorer", role: "explorer", attempt: 1, progress: 20, jobId: "job_2", at: 6 },
	},
	{
		seq: 5,
		type: "agent.retrying",
		data: { agentId: "critic", role: "critic", attempt: 3, reason: "lease_expired", jobId: "job_2", at: 7 },
	},
	{
		seq: 6,
		type: "agent.started",
		data: {
			agentId: "critic",
			role: "critic",
			attempt: 4,
			provider: "anthropic",
			model: "claude-x",
			jobId: "job_2",
			at: 8,
		},
	},
	{ seq: 7, type: "job.synthesizing", data: { reason: "deadline", jobId: "job_2", at: 9 } },
	{
		seq: 8,
		type: "job.failed",
		data: {
			status: "failed",
			partial: true,
			error: { code: "deadline", message: "ran out of time" },
			metrics: testMetrics(5, 2),
			jobId: "job_2",
			at: 10,
		},
	},
];

describe("the event protocol", () => {
	it("reads events as the coordinator stored them", () => {
		for (const event of PERSISTED) expect(JobEventSchema.safeParse(event).success, event.type).toBe(true);
	});

	it("requires the agent reference on agent events and each type's own fields", () => {
		const [dispatched, progress] = PERSISTED;
		const { agentId: _agentId, ...withoutAgent } = dispatched?.data ?? {};
		expect(JobEventSchema.safeParse({ ...dispatched, data: withoutAgent }).success).toBe(false);
		expect(
			JobEventSchema.safeParse({ ...progress, data: { ...progress?.data, progress: 100 } }).success,
		).toBe(false);
		expect(JobEventSchema.safeParse({ ...progress, type: "job.planned" }).success).toBe(false);
	});

	it("narrows an event's data by its type", () => {
		const started = JobEventSchema.parse(PERSISTED[3]);
		expect(started.type === "agent.started" ? started.data.model : null).toBe("claude-x");
		expect(describeEvent(started)).toBe("critic anthropic claude-x");
	});

	it("is described in the OpenAPI document as a union of the typed events", () => {
		const app = new OpenAPIHono();
		app.openAPIRegistry.register("JobEvent", JobEventSchema);
		const document = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } });
		const schemas = document.components?.schemas ?? {};
		const jobEvent = schemas.JobEvent as { oneOf?: unknown[]; anyOf?: unknown[] };
		expect((jobEvent.oneOf ?? jobEvent.anyOf)?.length).toBe(EVENT_TYPES.length);
		expect(Object.keys(schemas)).toEqual(
			expect.arrayContaining(["Role", "EffectiveConfig", "Usage", "JobMetrics"]),
		);
	});
});

describe("the dashboard's compiled validator", () => {
	let directory = "";
	let isJobEvent: (value: unknown) => boolean = () => false;

	beforeAll(async () => {
		directory = await mkdtemp(join(tmpdir(), "job-event-validator-"));
		const file = join(directory, "validator.mjs");
		await writeFile(file, jobEventValidatorSource());
		isJobEvent = (await import(pathToFileURL(file).href)).default;
	});
	afterAll(() => rm(directory, { recursive: true, force: true }));

	const zodAccepts = (value: unknown) => JobEventSchema.safeParse(value).success;

	it("accepts every event of the protocol", () => {
		for (const event of [...completedJobLog(), ...PERSISTED])
			expect(isJobEvent(event), event.type).toBe(true);
	});

	it("agrees with JobEventSchema on events with a field removed, retyped or added", () => {
		const events: JobEvent[] = completedJobLog();
		/** Every path to a value inside `value`, as keys. */
		const pathsOf = (value: unknown, prefix: string[] = []): string[][] =>
			value !== null && typeof value === "object"
				? Object.entries(value).flatMap(([key, inner]) => [
						[...prefix, key],
						...pathsOf(inner, [...prefix, key]),
					])
				: [];
		const replaced = (value: unknown, path: string[], next: unknown): unknown => {
			const [key, ...rest] = path;
			if (key === undefined) return next;
			const copy: Record<string, unknown> = Array.isArray(value)
				? ([...value] as never)
				: { ...(value as object) };
			if (rest.length === 0 && next === undefined) delete copy[key];
			else copy[key] = replaced(copy[key], rest, next);
			return copy;
		};
		const mutated = fc
			.constantFrom(...events)
			.chain((event) =>
				fc.tuple(
					fc.constant(event),
					fc.constantFrom(...pathsOf(event)),
					fc.constantFrom(undefined, null, "text", -1, 1.5, 0, true, [], {}, "job.completed"),
				),
			)
			.map(([event, path, next]) => replaced(event, path, next));
		fc.assert(
			fc.property(mutated, (candidate) => {
				expect(isJobEvent(candidate)).toBe(zodAccepts(candidate));
			}),
			{ numRuns: 500 },
		);
	});
});
