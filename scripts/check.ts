/**
 * `npm run check`, after the type-check the npm script runs first: builds the production Worker offline
 * (`wrangler deploy --dry-run`) and fails when its gzip size is above the ceiling (scripts/deploy/bundle.ts).
 */
import { fileURLToPath } from "node:url";
import { buildProductionBundle, sizeVerdict } from "./deploy/bundle";
import { runEntry } from "./lib/entry";
import { nodeRunner } from "./lib/tools";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

await runEntry("check", async () => {
	const { size } = await buildProductionBundle(nodeRunner(ROOT));
	const verdict = sizeVerdict(size);
	if (!verdict.ok) throw new Error(verdict.line);
	console.log(verdict.line);
});
