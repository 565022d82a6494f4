/**
 * `npm run dev [-- --port N]`: applies the local D1 migrations, then runs `wrangler dev` in the foreground,
 * in dev mode (tenant `local` without an API key).
 */
import { spawn } from "node:child_process";
import { applyLocalMigrations, DEV_VARS } from "./local-worker.mjs";

applyLocalMigrations();
const devVars = Object.entries(DEV_VARS).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
const child = spawn("npm", ["exec", "--", "wrangler", "dev", ...devVars, ...process.argv.slice(2)], {
	stdio: "inherit",
});
child.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
