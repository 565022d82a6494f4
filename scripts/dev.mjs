/** `npm run dev [-- --port N]`: applies the local D1 migrations, then runs `wrangler dev` in the foreground. */
import { spawn } from "node:child_process";
import { applyLocalMigrations } from "./local-worker.mjs";

applyLocalMigrations();
const child = spawn("npm", ["exec", "--", "wrangler", "dev", ...process.argv.slice(2)], { stdio: "inherit" });
child.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
