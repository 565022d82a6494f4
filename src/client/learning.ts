/** What the service learned from the tenant's finished jobs: patterns, distillation and statistics. */
import { type Stats, StatsSchema, type TaskType } from "../protocol.ts";
import {
	type LearnRequest,
	type LearnResult,
	LearnResultSchema,
	type PatternDetail,
	PatternDetailSchema,
	type PatternList,
	PatternListSchema,
} from "../wire/learning.ts";
import { type CallOptions, Resource, segment } from "./transport.ts";

export type PatternQuery = {
	/** Text to compare the patterns' tasks with; without it, the newest patterns. */
	q?: string;
	/** How many patterns; default 5. */
	k?: number;
	taskType?: TaskType;
};

/** Learned patterns and statistics. */
export class LearningResource extends Resource {
	/** @example const { patterns } = await client.learning.patterns({ q: "heat pump efficiency", k: 3 }); */
	patterns(query: PatternQuery = {}, options: CallOptions = {}): Promise<PatternList> {
		return this.transport.get(PatternListSchema, "/v1/patterns", options, query);
	}

	/** One pattern with its associations to others. */
	pattern(patternId: string, options: CallOptions = {}): Promise<PatternDetail> {
		return this.transport.get(PatternDetailSchema, `/v1/patterns/${segment(patternId)}`, options);
	}

	/** Distills patterns into clusters and links associations; running it again creates nothing new. */
	learn(request: LearnRequest = {}, options: CallOptions = {}): Promise<LearnResult> {
		return this.transport.post(LearnResultSchema, "/v1/learn", request, options);
	}

	/** Jobs by status, rewards over time, pattern reuse, tokens and cost. */
	stats(options: CallOptions = {}): Promise<Stats> {
		return this.transport.get(StatsSchema, "/v1/stats", options);
	}
}
