/**
 * `npm run dev [-- --port N]`: applies the local D1 migrations, then runs `wrangler dev` in the foreground,
 * in dev mode (tenant `local` without an API key). Starts on Node 20 too: wrangler itself runs on the Node
 * 22 that scripts/ensure-node.sh provides.
 */
import { spawn } from "node:child_process";
import {
	applyLocalMigrations,
	DEV_VARS,
	PROJECT_ROOT,
	WRANGLER_ENV,
	wranglerCommand,
} from "./local-worker.mjs";

applyLocalMigrations();
const devVars = Object.entries(DEV_VARS).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
const [command, args] = wranglerCommand(["dev", ...devVars, ...process.argv.slice(2)]);
const child = spawn(command, args, {
	cwd: PROJECT_ROOT,
	stdio: "inherit",
	env: { ...process.env, ...WRANGLER_ENV },
});
child.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
