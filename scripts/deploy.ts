/**
 * `npm run deploy [-- --dry-run]`: deploys the production Worker with everything it binds
 * (scripts/deploy/deploy.ts); `--dry-run` prints the plan and builds the Worker offline.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { deploy } from "./deploy/deploy";
import { runEntry } from "./lib/entry";
import { configuredSchemaSources } from "./lib/schema-drift";
import { nodeRunner } from "./lib/tools";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

await runEntry("deploy", async () => {
	const { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false } } });
	await deploy({
		runner: nodeRunner(ROOT),
		configPath: join(ROOT, "wrangler.toml"),
		schema: configuredSchemaSources(ROOT),
		dryRun: values["dry-run"],
		log: (line) => console.log(line),
	});
});
