/**
 * The local pattern index at 1k and 10k patterns, two ways:
 * - in process: `topK` from src/learning/exact-index.ts over vectors already in memory; the same after
 *   decoding every stored vector from its Float32 bytes as the D1 adapter reads them (`hex(vector)`, an
 *   upper-case hex string); and after `JSON.parse` of every vector, which is what rows written before
 *   migration 0005 (and every row before it) cost;
 * - through the Worker: `GET /v1/patterns?q=…&taskType=…` against the D1 index, as a tenant of its own
 *   whose patterns (and API key) were seeded straight into the local D1 database before the Worker
 *   started, so the other benchmarks' jobs never see them; a task type with no patterns gives the
 *   route's own cost as a baseline.
 * Pattern texts are synthetic research questions embedded with the project's hashing embedder, so the
 * vectors have the sparsity and size of real ones.
 */
import { Buffer } from "node:buffer";
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
 * `storedQueries` that first decode every stored vector, from Float32 bytes and from JSON text (fewer, as
 * each is slower).
 * @param {{
 *   sizes: number[];
 *   queries: number;
 *   storedQueries: number;
 *   embed(texts: string[]): Promise<number[][]>;
 *   topK(query: readonly number[], candidates: Iterable<{ id: string; values: ArrayLike<number> }>, k: number): unknown[];
 *   encodeVector(values: ArrayLike<number>): Uint8Array;
 *   decodeVector(stored: unknown): ArrayLike<number>;
 * }} options
 */
export async function measureExactIndexInProcess({
	sizes,
	queries,
	storedQueries,
	embed,
	topK,
	encodeVector,
	decodeVector,
}) {
	const largest = Math.max(...sizes);
	const vectors = await embed(syntheticTasks(largest));
	const queryVectors = await embed(syntheticTasks(queries).map((text) => `Recent evidence on ${text}`));
	const sample = queryVectors.slice(0, storedQueries);
	const bySize = sizes.map((size) => {
		const candidates = vectors.slice(0, size).map((values, index) => ({ id: `p${index}`, values }));
		const stored = candidates.map((candidate) => ({
			id: candidate.id,
			hex: Buffer.from(encodeVector(candidate.values)).toString("hex").toUpperCase(),
			json: JSON.stringify(candidate.values),
		}));
		return { size, candidates, stored };
	});
	/**
	 * Times `query` for every size, after one untimed pass so the JIT has compiled it.
	 * @param {readonly number[][]} inputs
	 * @param {(entry: (typeof bySize)[number], query: number[]) => unknown} query
	 */
	const timeBySize = (inputs, query) =>
		bySize.map((entry) => {
			for (const input of inputs.slice(0, 5)) query(entry, input);
			return summarize(timeEach(inputs, (input) => query(entry, input)));
		});
	/** @param {(typeof bySize)[number]["stored"]} stored @param {"hex" | "json"} field */
	const decodeAll = (stored, field) =>
		stored.map((row) => ({ id: row.id, values: decodeVector(row[field]) }));
	// Each way is timed for every size before the next begins: V8 optimizes the scoring loop for the kind
	// of array it sees, and number arrays and Float32 views seen together slow each other down, while the
	// Worker's index only ever scores Float32 views (rows from before migration 0005 aside).
	const inMemory = timeBySize(queryVectors, ({ candidates }, query) => topK(query, candidates, 5));
	const decoded = timeBySize(sample, ({ stored }, query) => topK(query, decodeAll(stored, "hex"), 5));
	const parsed = timeBySize(sample, ({ stored }, query) => topK(query, decodeAll(stored, "json"), 5));
	return sizes.map((size, index) => ({
		size,
		inMemory: inMemory[index] ?? null,
		withDecode: decoded[index] ?? null,
		withParse: parsed[index] ?? null,
	}));
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
 * per task type, their hashing-embedder vectors stored as the D1 index stores them (`encodeVector`: Float32
 * bytes). Returns the key. `generateApiKey` is the project's own, so the stored hash is what the Worker
 * checks.
 * @param {{
 *   state: string;
 *   groups: { taskType: string; count: number }[];
 *   model: string;
 *   embed(texts: string[]): Promise<number[][]>;
 *   encodeVector(values: ArrayLike<number>): Uint8Array;
 *   generateApiKey(environment: "live" | "test"): Promise<{ id: string; key: string; prefix: string; hash: string }>;
 * }} options
 */
export async function seedPatterns({ state, groups, model, embed, encodeVector, generateApiKey }) {
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
			insertVector.run(id, INDEX_TENANT, taskType, model, values.length, encodeVector(values));
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
