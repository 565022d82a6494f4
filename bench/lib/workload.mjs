/** The research request the job benchmarks submit: the repository's five sample sources about heat pumps. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const SAMPLES = new URL("../../samples/", import.meta.url);
const TASK = "How well do air-source heat pumps work in cold climates?";

/** The sample texts as attached sources (every `samples/*.md` except the README). */
function sampleSources() {
	const directory = SAMPLES.pathname;
	return readdirSync(directory)
		.filter((name) => name.endsWith(".md") && name !== "README.md")
		.sort()
		.map((name) => ({ title: name.replace(/\.md$/, ""), text: readFileSync(join(directory, name), "utf8") }));
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
