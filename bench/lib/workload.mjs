/** The research request the job benchmarks submit: the repository's five sample sources about heat pumps. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const SAMPLES = new URL("../../samples/", import.meta.url);
const TASK = "How well do air-source heat pumps work in cold climates?";

/** The sample texts (every `samples/*.md` except the README), read once. */
const SAMPLE_TEXTS = readdirSync(SAMPLES.pathname)
	.filter((name) => name.endsWith(".md") && name !== "README.md")
	.sort()
	.map((name) => ({
		title: name.replace(/\.md$/, ""),
		text: readFileSync(join(SAMPLES.pathname, name), "utf8"),
	}));

/**
 * The sample texts as attached sources, each ending in a heading with a fresh id: every job's snapshots are
 * then new content, so nothing an earlier job stored in R2 or cached in the Worker's memory serves it, while
 * the extractive provider reads the same passages (it skips headings).
 */
function sampleSources() {
	const run = crypto.randomUUID();
	return SAMPLE_TEXTS.map(({ title, text }) => ({ title, text: `${text}\n\n# Benchmark job ${run}\n` }));
}

/**
 * A request for a swarm of `swarmSize` agents with at most `maxConcurrent` in flight on the offline
 * provider. Size and provider are explicit, so patterns learned from earlier runs cannot change them.
 * @param {{ swarmSize: number; maxConcurrent: number }} options
 */
export function researchRequest({ swarmSize, maxConcurrent }) {
	return {
		task: TASK,
		provider: "extractive",
		swarmSize,
		maxConcurrent,
		formats: ["markdown", "json", "html"],
		sources: sampleSources(),
	};
}
