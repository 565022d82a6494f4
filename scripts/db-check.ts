/**
 * `npm run db:check`: fails when src/db/schema.ts and migrations/ disagree, that is when drizzle-kit
 * would generate a migration for the schema (scripts/lib/schema-drift.ts).
 */
import { fileURLToPath } from "node:url";
import { runEntry } from "./lib/entry";
import { configuredSchemaSources, requireNoSchemaDrift } from "./lib/schema-drift";
import { nodeRunner } from "./lib/tools";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

await runEntry("db:check", async () => {
	const sources = configuredSchemaSources(ROOT);
	await requireNoSchemaDrift(nodeRunner(ROOT), sources);
	console.log(`${sources.schema} and ${sources.migrations} agree.`);
});
