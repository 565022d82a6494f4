import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const SCRIPT = resolve(import.meta.dirname, "../../../scripts/ensure-node.sh");

const servers: { close(): void }[] = [];
afterEach(() => {
	for (const server of servers.splice(0)) server.close();
});

/** A registry that records what it is asked and knows no package. */
async function emptyRegistry(): Promise<{ url: string; requests: IncomingMessage[] }> {
	const requests: IncomingMessage[] = [];
	const server = createServer((request, response) => {
		requests.push(request);
		response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
	});
	await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
	servers.push(server);
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests };
}

/**
 * A `node` that says it is too old when asked for its version check, and is the real Node otherwise,
 * so the bootstrap runs while npm itself still works.
 */
function oldNodeOnPath(dir: string): string {
	const bin = join(dir, "bin");
	mkdirSync(bin);
	writeFileSync(
		join(bin, "node"),
		`#!/bin/sh\ncase "$*" in *process.versions.node*) exit 1;; esac\nexec "${process.execPath}" "$@"\n`,
	);
	chmodSync(join(bin, "node"), 0o755);
	return `${bin}:${process.env.PATH}`;
}

describe("scripts/ensure-node.sh", () => {
	it("installs Node 22 with the registry of the user's global npmrc, and says so", async () => {
		const registry = await emptyRegistry();
		const dir = mkdtempSync(join(tmpdir(), "ensure-node-"));
		// The user's global npmrc where npm looks for it: in the etc folder of their npm prefix.
		const globalConfig = join(dir, "npm-prefix", "etc", "npmrc");
		mkdirSync(join(dir, "npm-prefix", "etc"), { recursive: true });
		writeFileSync(globalConfig, `registry=${registry.url}\nfetch-retries=0\n`);
		const env: NodeJS.ProcessEnv = {
			...process.env,
			PATH: oldNodeOnPath(dir),
			HOME: dir,
			NPM_CONFIG_PREFIX: join(dir, "npm-prefix"),
			NPM_CONFIG_USERCONFIG: join(dir, "user-npmrc"),
			RESEARCH_SWARM_NODE_PREFIX: join(dir, "node22"),
		};
		// The settings `npm run`/`npx` passed to this test process would win over the files.
		for (const key of Object.keys(env)) if (/^npm_config_/.test(key)) delete env[key];
		// Asynchronously, so this process's registry can answer while the script runs.
		const run = await new Promise<{ status: number | null; stderr: string }>((done) => {
			const child = execFile(
				"bash",
				["-c", `source "${SCRIPT}"`],
				{ timeout: 60_000, env },
				(_error, _stdout, stderr) => done({ status: child.exitCode, stderr: String(stderr) }),
			);
		});
		// The registry knows no `node` package, so the install fails; what matters is where npm asked.
		expect(run.status).not.toBe(0);
		expect(run.stderr).toContain(`from ${registry.url} with npm settings from ${globalConfig}`);
		expect(registry.requests.map((request) => request.url)).toContain("/node");
	}, 90_000);
});
