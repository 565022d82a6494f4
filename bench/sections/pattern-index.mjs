/**
 * The local pattern index at 1k and 10k patterns, two ways:
 * - in process: `topK` from src/learning/exact-index.ts over vectors already in memory, and the same
 *   after `JSON.parse` of every stored vector (what the D1 adapter does per query);
 * - through the Worker: `GET /v1/patterns?q=…&taskType=…` against the D1 index, as a tenant of its own
 *   whose patterns (and API key) were seeded straight into the local D1 database before the Worker
 *   started, so the other benchmarks' jobs never see them; a task type with no patterns gives the
 *   route's own cost as a baseline.
 * Pattern texts are synthetic research questions embedded with the project's hashing embedder, so the
 * vectors have the sparsity and size of real ones.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { summarize } from "../lib/stats.mjs";

const TOPICS = [
	"heat pump",
	"battery storage",
	"rooftop solar",
	"offshore wind",
	"green hydrogen",
	"carbon capture",
	"district heating",
	"grid balancing",
	"building retrofit",
	"electric buses",
	"sodium-ion cells",
	"lithium recycling",
	"demand response",
	"geothermal wells",
	"small modular reactors",
	"tidal power",
];
const ANGLES = [
	"cost trends since 2015",
	"performance in cold climates",
	"adoption in Europe",
	"policy incentives",
	"safety risks",
	"supply chain limits",
	"forecasts to 2035",
	"efficiency compared with gas",
	"maintenance needs",
	"public acceptance",
	"effect on household bills",
	"recyclability",
];
const PLACES = [
	"Norway",
	"Canada",
	"Japan",
	"Germany",
	"Chile",
	"Kenya",
	"Australia",
	"India",
	"Poland",
	"Texas",
];

/**
 * Deterministic research questions: topic × angle × place, numbered so every text is distinct.
 * @param {number} count
 */
export function syntheticTasks(count) {
	return Array.from({ length: count }, (_, index) => {
		const topic = TOPICS[index % TOPICS.length];
		const angle = ANGLES[Math.floor(index / TOPICS.length) % ANGLES.length];
		const place = PLACES[Math.floor(index / (TOPICS.length * ANGLES.length)) % PLACES.length];
		return `What do we know about ${topic} ${angle} in ${place}? Study ${index}`;
	});
}

/**
 * Time per call of `query(input)` for every input, in ms.
 * @template T
 * @param {readonly T[]} inputs
 * @param {(input: T) => unknown} query
 */
function timeEach(inputs, query) {
	return inputs.map((input) => {
		const started = performance.now();
		query(input);
		return performance.now() - started;
	});
}

/**
 * In-process query times of `topK` (k = 5) at each size: `queries` with vectors in memory, and
 * `parsedQueries` that first `JSON.parse` every stored vector (fewer, as each is far slower).
 * @param {{
 *   sizes: number[];
 *   queries: number;
 *   parsedQueries: number;
 *   embed(texts: string[]): Promise<number[][]>;
 *   topK(query: readonly number[], candidates: Iterable<{ id: string; values: readonly number[] }>, k: number): unknown[];
 * }} options
 */
export async function measureExactIndexInProcess({ sizes, queries, parsedQueries, embed, topK }) {
	const largest = Math.max(...sizes);
	const vectors = await embed(syntheticTasks(largest));
	const queryVectors = await embed(syntheticTasks(queries).map((text) => `Recent evidence on ${text}`));
	return sizes.map((size) => {
		const candidates = vectors.slice(0, size).map((values, index) => ({ id: `p${index}`, values }));
		const stored = candidates.map((candidate) => ({
			id: candidate.id,
			json: JSON.stringify(candidate.values),
		}));
		// One untimed pass so the JIT has compiled the loop before it is measured.
		timeEach(queryVectors.slice(0, 5), (query) => topK(query, candidates, 5));
		const inMemory = timeEach(queryVectors, (query) => topK(query, candidates, 5));
		const parsed = timeEach(queryVectors.slice(0, parsedQueries), (query) =>
			topK(
				query,
				stored.map((row) => ({ id: row.id, values: JSON.parse(row.json) })),
				5,
			),
		);
		return { size, inMemory: summarize(inMemory), withParse: summarize(parsed) };
	});
}

/**
 * The local D1 database file of a stopped Worker's state directory (the one with the project's tables).
 * @param {string} state
 */
function localD1File(state) {
	const directory = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
	for (const name of readdirSync(directory)) {
		if (!name.endsWith(".sqlite") || name === "metadata.sqlite") continue;
		const database = new DatabaseSync(join(directory, name));
		const found = database
			.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'pattern_vectors'")
			.get();
		database.close();
		if (found) return join(directory, name);
	}
	throw new Error(`no local D1 database with pattern_vectors under ${directory}`);
}

/** The tenant that owns the seeded patterns. */
const INDEX_TENANT = "bench-pattern-index";

/**
 * Seeds, into a stopped Worker's D1 database, a tenant of its own with one API key and `count` patterns
 * per task type, their hashing-embedder vectors stored as the D1 index stores them (JSON arrays).
 * Returns the key. `generateApiKey` is the project's own, so the stored hash is what the Worker checks.
 * @param {{
 *   state: string;
 *   groups: { taskType: string; count: number }[];
 *   model: string;
 *   embed(texts: string[]): Promise<number[][]>;
 *   generateApiKey(environment: "live" | "test"): Promise<{ id: string; key: string; prefix: string; hash: string }>;
 * }} options
 */
export async function seedPatterns({ state, groups, model, embed, generateApiKey }) {
	const apiKey = await generateApiKey("test");
	const database = new DatabaseSync(localD1File(state));
	const insertPattern = database.prepare(
		`INSERT INTO reasoningbank_patterns (id, tenant_id, job_id, task, task_type, reward, success,
			reward_breakdown, critique, improvements, strategy, usage_count, created_at)
		 VALUES (?, ?, ?, ?, ?, 0.7, 1, ?, '', '[]', ?, 0, ?)`,
	);
	const insertVector = database.prepare(
		`INSERT INTO pattern_vectors (pattern_id, tenant_id, task_type, success, reward, model, dimensions, vector)
		 VALUES (?, ?, ?, 1, 0.7, ?, ?, ?)`,
	);
	const breakdown = JSON.stringify({ quality: 0.7, speed: 0.7, citations: 0.7, depth: 0.7 });
	const strategy = JSON.stringify({ provider: "extractive", model: null, swarmSize: 5, depth: 5 });
	database.exec("BEGIN");
	database
		.prepare("INSERT INTO tenants (id, name, created_at) VALUES (?, 'Pattern index benchmark', 0)")
		.run(INDEX_TENANT);
	database
		.prepare(
			"INSERT INTO api_keys (id, tenant_id, name, prefix, hash, created_at) VALUES (?, ?, 'benchmark', ?, ?, 0)",
		)
		.run(apiKey.id, INDEX_TENANT, apiKey.prefix, apiKey.hash);
	for (const { taskType, count } of groups) {
		const tasks = syntheticTasks(count);
		const vectors = await embed(tasks);
		tasks.forEach((task, index) => {
			const id = `bench-${taskType}-${index}`;
			insertPattern.run(id, INDEX_TENANT, `job-${id}`, task, taskType, breakdown, strategy, index);
			const values = /** @type {number[]} */ (vectors[index]);
			insertVector.run(id, INDEX_TENANT, taskType, model, values.length, JSON.stringify(values));
		});
	}
	database.exec("COMMIT");
	database.close();
	return apiKey.key;
}

/**
 * Client-side latency of `GET /v1/patterns?q=…&k=5&taskType=…` for each group, after two untimed queries,
 * as the seeded tenant (its key is rate limited per minute, so keep the total under the limit).
 * @param {string} url
 * @param {{ apiKey: string; groups: { label: string; taskType: string; queries: number }[] }} options
 */
export async function measurePatternSearch(url, { apiKey, groups }) {
	const results = [];
	for (const { label, taskType, queries } of groups) {
		const texts = syntheticTasks(queries + 2).map((text) => `Recent evidence on ${text}`);
		const times = [];
		let returned = 0;
		for (const [index, text] of texts.entries()) {
			const started = performance.now();
			const response = await fetch(
				`${url}/v1/patterns?${new URLSearchParams({ q: text, k: "5", taskType })}`,
				{
					headers: { authorization: `Bearer ${apiKey}` },
				},
			);
			const body = /** @type {{ patterns?: unknown[] }} */ (await response.json());
			if (!response.ok || !Array.isArray(body.patterns)) {
				throw new Error(`pattern search answered ${response.status}: ${JSON.stringify(body).slice(0, 200)}`);
			}
			if (index >= 2) times.push(performance.now() - started);
			returned = body.patterns.length;
		}
		results.push({ label, taskType, returned, latency: summarize(times) });
	}
	return results;
}
