/**
 * Starts the Worker locally with `wrangler dev` (local mode: Miniflare D1, R2, Durable Objects and Queues,
 * persisted in .wrangler/state), after applying the D1 migrations to the local database.
 *
 * wrangler needs Node >= 22.12, so it runs through scripts/ensure-node.sh, which installs Node 22 first when
 * the machine's Node is older: the CLI and `npm run dev` themselves run on Node 20.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root: this module runs from scripts/, or bundled into dist/cli.js, one level below it too. */
export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Local development runs in dev mode: tenant `local` without an API key, admin token `local-admin`. */
export const DEV_VARS = { DEV_MODE: "true" };

/**
 * The environment wrangler runs with: no usage metrics, and a fixed `Request.cf` object instead of one
 * fetched from workers.cloudflare.com, so an offline machine gets no network errors.
 */
export const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/** Whether this is a checkout of the project, which a local Worker runs from (an installed package is not). */
export function canRunLocally() {
	return (
		existsSync(join(PROJECT_ROOT, "wrangler.toml")) &&
		existsSync(join(PROJECT_ROOT, "node_modules/.bin/wrangler"))
	);
}

/**
 * The command that runs `wrangler …args` from the project's root on Node >= 22.12.
 * @param {string[]} args
 * @returns {[command: string, args: string[]]}
 */
export function wranglerCommand(args) {
	return [
		"bash",
		["-c", 'source scripts/ensure-node.sh && exec node_modules/.bin/wrangler "$@"', "wrangler", ...args],
	];
}

/**
 * Applies migrations/ to the local D1 database (in `persistTo` when given, else .wrangler/state).
 * @param {string} [persistTo]
 */
export function applyLocalMigrations(persistTo) {
	const persist = persistTo ? ["--persist-to", resolve(persistTo)] : [];
	const [command, args] = wranglerCommand(["d1", "migrations", "apply", "DB", "--local", ...persist]);
	const result = spawnSync(command, args, {
		cwd: PROJECT_ROOT,
		stdio: ["ignore", "ignore", "inherit"],
		env: { ...process.env, ...WRANGLER_ENV, CI: "1" },
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
		...(persistTo ? ["--persist-to", resolve(persistTo)] : []),
	];
	const [command, args] = wranglerCommand(["dev", "--port", String(port), "--ip", "127.0.0.1", ...extra]);
	const child = spawn(command, args, {
		cwd: PROJECT_ROOT,
		stdio: ["ignore", quiet ? "ignore" : "inherit", quiet ? "pipe" : "inherit"],
		env: { ...process.env, ...WRANGLER_ENV, CI: "1" },
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
