/**
 * Task analysis: how hard a research task is (from the request's depth, or else from the task's own
 * wording), what kind of task it is (from cue words) and which words carry its content. Everything
 * here is a pure function of the task text and the depth.
 */
import { STOPWORDS } from "../lib/stop-words";
import type { Complexity, TaskAnalysis, TaskType } from "../protocol";
import { estimateComplexity } from "./task-complexity";

/** What the analyzer makes of a task: its size and kind, its content words, and what it read. */
export type TaskProfile = {
	complexity: Complexity;
	depth: number;
	taskType: TaskType;
	keywords: string[];
	analysis: TaskAnalysis;
};

const MIN_DEPTH = 1;
const MAX_DEPTH = 10;
const MAX_KEYWORDS = 12;
const MIN_KEYWORD_LENGTH = 3;

/**
 * Cue patterns per task type, matched case-insensitively on word boundaries; each occurrence of a
 * cue counts once. The type with the most hits wins. On a tie the type listed first here wins:
 * analysis and synthesis cues are verbs naming the deliverable ("compare", "summarize"), while code
 * cues are often just the topic ("a Python library"), so the deliverable decides.
 * No hits at all means a plain research task.
 */
const TASK_TYPE_CUES: ReadonlyArray<{ taskType: Exclude<TaskType, "research">; cues: readonly string[] }> = [
	{
		taskType: "analysis",
		cues: [
			"analy[sz](?:e|es|ed|ing|is)",
			"compar(?:e|es|ed|ing|ison|isons)",
			"evaluat(?:e|es|ed|ing|ion)",
			"versus",
			"vs\\.?",
			"trade-?offs?",
			"pros and cons",
			"assess(?:es|ed|ing|ment)?",
			"benchmark(?:s|ed|ing)?",
			"which is better",
		],
	},
	{
		taskType: "synthesis",
		cues: [
			"summar(?:y|ies|ize|izes|ized|izing|ise|ises|ised|ising)",
			"overviews?",
			"synthes(?:is|ize|izes|ized|izing|ise|ises|ised|ising)",
			"literature reviews?",
			"surveys?",
			"state of the art",
			"roundup",
		],
	},
	{
		taskType: "code",
		cues: [
			"code",
			"coding",
			"implement(?:s|ed|ing|ation)?",
			"functions?",
			"bugs?",
			"librar(?:y|ies)",
			"apis?",
			"sdks?",
			"typescript",
			"javascript",
			"python",
			"refactor(?:s|ed|ing)?",
			"compil(?:e|es|ed|er|ers|ing|ation)",
			"debug(?:s|ged|ging)?",
			"algorithms?",
			"stack trace",
		],
	},
];

const CUE_MATCHERS = TASK_TYPE_CUES.map(({ taskType, cues }) => ({
	taskType,
	pattern: new RegExp(`(?<![\\p{L}\\p{N}])(?:${cues.join("|")})(?![\\p{L}\\p{N}])`, "giu"),
}));

/** Stop words, contractions and generic question words: none says anything about a task's subject. */
const NON_KEYWORDS: ReadonlySet<string> = new Set([
	...STOPWORDS,
	...(
		"aren't can't cannot couldn't didn't doesn't don't either else etc ever every get gets hadn't hasn't " +
		"haven't isn't it's let's like many much mustn't neither now one ought please shouldn't that's there's " +
		"toward towards wasn't weren't what's whose won't wouldn't yes"
	).split(" "),
]);

const WORD_PATTERN = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/**
 * Maps a depth (1–10) to its complexity band: 1–3 low, 4–6 medium, 7–8 high, 9–10 very-high.
 * Throws a RangeError for anything that is not an integer in 1–10.
 * @example complexityForDepth(7) // "high"
 */
export function complexityForDepth(depth: number): Complexity {
	if (!Number.isInteger(depth) || depth < MIN_DEPTH || depth > MAX_DEPTH) {
		throw new RangeError(`depth must be an integer from ${MIN_DEPTH} to ${MAX_DEPTH}, got ${depth}`);
	}
	if (depth <= 3) return "low";
	if (depth <= 6) return "medium";
	if (depth <= 8) return "high";
	return "very-high";
}

/**
 * Picks the task type whose cue words occur most often in the task; ties go to analysis, then
 * synthesis, then code; no cue at all gives "research".
 * @example classifyTask("Compare Rust and Go for CLIs") // "analysis"
 */
export function classifyTask(task: string): TaskType {
	let best: TaskType = "research";
	let bestHits = 0;
	for (const { taskType, pattern } of CUE_MATCHERS) {
		const hits = task.match(pattern)?.length ?? 0;
		if (hits > bestHits) {
			best = taskType;
			bestHits = hits;
		}
	}
	return best;
}

/**
 * The task's content words: lowercased, stopwords and words shorter than 3 characters dropped,
 * most frequent first (first occurrence breaks ties), at most 12.
 * @example extractKeywords("Heat pumps in cold climates: do heat pumps work?") // ["heat", "pumps", "cold", "climates", "work"]
 */
export function extractKeywords(task: string): string[] {
	const counts = new Map<string, number>();
	for (const [raw] of task.toLowerCase().matchAll(WORD_PATTERN)) {
		const word = raw.replaceAll("’", "'");
		if (word.length < MIN_KEYWORD_LENGTH || NON_KEYWORDS.has(word)) continue;
		counts.set(word, (counts.get(word) ?? 0) + 1);
	}
	// Map iteration follows insertion order and Array.prototype.sort is stable, so equal counts keep
	// their first-occurrence order.
	return [...counts.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, MAX_KEYWORDS)
		.map(([word]) => word);
}

/**
 * Analyzes a research task: the complexity band from `depth` when the request gives one, otherwise
 * the complexity and depth the task's wording calls for (`estimateComplexity`); the task type from cue
 * words; the content keywords; and what the analyzer read, for the job view and the report.
 * @example analyzeTask("Summarize recent work on solid-state batteries", 8)
 * // { complexity: "high", depth: 8, taskType: "synthesis", keywords: ["summarize", "recent", ...], analysis: {...} }
 * @example analyzeTask("What is a mutex?").depth // 3
 */
export function analyzeTask(task: string, depth?: number): TaskProfile {
	const { complexity, depth: recommended, ...read } = estimateComplexity(task);
	return {
		complexity: depth === undefined ? complexity : complexityForDepth(depth),
		depth: depth ?? recommended,
		taskType: classifyTask(task),
		keywords: extractKeywords(task),
		analysis: { basis: depth === undefined ? "task" : "request", ...read },
	};
}
