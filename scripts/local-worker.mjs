/**
 * Starts the Worker locally with `wrangler dev` (local mode: Miniflare D1, R2, Durable Objects and Queues,
 * persisted in .wrangler/state), after applying the D1 migrations to the local database.
 */
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

const WRANGLER = ["exec", "--", "wrangler"];
/** Local development runs in dev mode: tenant `local` without an API key, admin token `local-admin`. */
export const DEV_VARS = { DEV_MODE: "true" };

/**
 * Applies migrations/ to the local D1 database (in `persistTo` when given, else .wrangler/state).
 * @param {string} [persistTo]
 */
export function applyLocalMigrations(persistTo) {
	const persist = persistTo ? ["--persist-to", persistTo] : [];
	const result = spawnSync("npm", [...WRANGLER, "d1", "migrations", "apply", "DB", "--local", ...persist], {
		stdio: ["ignore", "ignore", "inherit"],
		env: { ...process.env, CI: "1" },
	});
	if (result.status !== 0) throw new Error("applying the local D1 migrations failed");
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * Starts `wrangler dev` on `port` and resolves once /healthz answers; `stop()` ends it. `vars` are passed
 * as `--var NAME:VALUE` (secrets and base URLs for local runs); `persistTo` keeps its state apart.
 * @param {number} port
 * @param {{ quiet?: boolean; vars?: Record<string, string>; persistTo?: string }} [options]
 * @returns {Promise<{ url: string; stop(): void }>}
 */
export async function startLocalWorker(port, { quiet = true, vars = {}, persistTo } = {}) {
	const extra = [
		...Object.entries({ ...DEV_VARS, ...vars }).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
		...(persistTo ? ["--persist-to", persistTo] : []),
	];
	const child = spawn("npm", [...WRANGLER, "dev", "--port", String(port), "--ip", "127.0.0.1", ...extra], {
		stdio: ["ignore", quiet ? "ignore" : "inherit", quiet ? "pipe" : "inherit"],
		env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
		detached: true,
	});
	let stderr = "";
	child.stderr?.on("data", (chunk) => {
		stderr += chunk;
	});
	const url = `http://127.0.0.1:${port}`;
	const stop = () => {
		try {
			process.kill(-child.pid, "SIGTERM");
		} catch {
			// already gone
		}
	};
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${stderr}`);
		try {
			const response = await fetch(`${url}/healthz`);
			if (response.ok) return { url, stop };
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	stop();
	throw new Error(`wrangler dev did not become ready within 60 s:\n${stderr}`);
}
