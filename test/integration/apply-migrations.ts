import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Applies migrations/ to the test D1 before each test file, exactly as `wrangler d1 migrations apply` would.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
