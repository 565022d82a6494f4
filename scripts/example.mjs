/**
 * Runs one research job end to end on a local Worker with the offline extractive provider:
 * starts `wrangler dev`, submits the sample sources, prints the job's live events, and writes
 * report.md, report.json and report.html to the output folder (default ./out).
 *
 *   node scripts/example.mjs [--out DIR] [--task "..."] [--swarm-size N] [--depth N]
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { applyLocalMigrations, freePort, startLocalWorker } from "./local-worker.mjs";

const { values: options } = parseArgs({
	options: {
		out: { type: "string", default: "out" },
		task: {
			type: "string",
			default: "How do air-source heat pumps perform in cold climates, and what limits their efficiency?",
		},
		"swarm-size": { type: "string" },
		depth: { type: "string" },
	},
});

async function sampleSources() {
	const names = (await readdir("samples"))
		.filter((name) => name.endsWith(".md") && name !== "README.md")
		.sort();
	return Promise.all(
		names.map(async (name) => {
			const text = await readFile(join("samples", name), "utf8");
			const title = text.match(/^#\s+(.+)$/m)?.[1] ?? name;
			return { title, text };
		}),
	);
}

/** Reads an SSE response, calling `onEvent(type, data)` per event, until the stream ends. */
async function followEvents(response, onEvent) {
	const decoder = new TextDecoder();
	let buffer = "";
	for await (const chunk of response.body) {
		buffer += decoder.decode(chunk, { stream: true });
		let boundary = buffer.indexOf("\n\n");
		while (boundary !== -1) {
			const block = buffer.slice(0, boundary);
			buffer = buffer.slice(boundary + 2);
			const type = block.match(/^event: (.+)$/m)?.[1];
			const data = block.match(/^data: (.+)$/m)?.[1];
			if (type && data) onEvent(type, JSON.parse(data));
			boundary = buffer.indexOf("\n\n");
		}
	}
}

function describe(type, data) {
	const agent = data.agentId ? ` ${data.agentId} (attempt ${data.attempt})` : "";
	const extra =
		type === "agent.completed"
			? ` — ${data.findings} findings`
			: type === "job.planned"
				? ` — ${data.plan.length} agents, ${data.sources.retrieved} sources`
				: type === "agent.failed" || type === "agent.retrying"
					? ` — ${data.error ?? data.reason}`
					: "";
	return `${type}${agent}${extra}`;
}

const started = Date.now();
applyLocalMigrations();
const worker = await startLocalWorker(await freePort());
try {
	const body = {
		task: options.task,
		sources: await sampleSources(),
		...(options["swarm-size"] ? { swarmSize: Number(options["swarm-size"]) } : {}),
		...(options.depth ? { depth: Number(options.depth) } : {}),
	};
	const submitted = await fetch(`${worker.url}/v1/research`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});
	if (submitted.status !== 202)
		throw new Error(`submit failed: ${submitted.status} ${await submitted.text()}`);
	const { id } = await submitted.json();
	console.log(`job ${id} accepted`);
	let finalStatus = "unknown";
	await followEvents(await fetch(`${worker.url}/v1/research/${id}/events`), (type, data) => {
		console.log(`  ${new Date(data.at).toISOString().slice(11, 23)}  ${describe(type, data)}`);
		if (type.startsWith("job.") && ["job.completed", "job.failed", "job.cancelled"].includes(type)) {
			finalStatus = data.status;
		}
	});
	if (finalStatus !== "completed") throw new Error(`job ended as ${finalStatus}`);
	const outDir = resolve(options.out);
	await mkdir(outDir, { recursive: true });
	const files = [];
	for (const [format, extension] of [
		["markdown", "md"],
		["json", "json"],
		["html", "html"],
	]) {
		const response = await fetch(`${worker.url}/v1/research/${id}/report?format=${format}`);
		if (!response.ok) throw new Error(`report (${format}) failed: ${response.status}`);
		const path = join(outDir, `report.${extension}`);
		await writeFile(path, await response.text());
		files.push(path);
	}
	const report = JSON.parse(await readFile(join(outDir, "report.json"), "utf8"));
	const { citationsVerified, citationsTotal } = report.verification;
	console.log(
		`\n${report.findings.length} findings, ${citationsVerified}/${citationsTotal} citations verified, ` +
			`quality ${report.quality.overall.toFixed(2)}, ${((Date.now() - started) / 1000).toFixed(1)} s in all`,
	);
	console.log("Report written to:");
	for (const file of files) console.log(`  ${file}`);
} finally {
	worker.stop();
}
