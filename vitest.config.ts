import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";
import { PROVIDER_SECRETS } from "./test/providers/secrets.ts";

const THIRD_PARTY_SOURCEMAP_WARNING =
	/^Sourcemap for "[^"]*\/node_modules\/[^"]*" points to missing source files$/;

/**
 * Drops one Vite warning: that a package's published source maps name sources the package does not ship
 * (@modelcontextprotocol/sdk's, standardwebhooks' and @google/genai's do), which the Workers projects hit
 * as they load every dependency through Vite. Nothing in those packages is ours to fix. Vitest installs
 * its own logger (a `customLogger` would be replaced), so this wraps that one once the config is
 * resolved; every other message is kept.
 */
const quietThirdPartySourcemaps: Plugin = {
	name: "quiet-third-party-sourcemaps",
	configResolved({ logger }) {
		const warnOnce = logger.warnOnce.bind(logger);
		logger.warnOnce = (message, options) => {
			if (!THIRD_PARTY_SOURCEMAP_WARNING.test(message)) warnOnce(message, options);
		};
	},
};

export default defineConfig({
	test: {
		projects: [
			{
				test: {
					name: "e2e",
					include: ["test/e2e/**/*.test.ts"],
					globalSetup: ["./test/e2e/build-cli.ts"],
					environment: "node",
					testTimeout: 90_000,
					hookTimeout: 120_000,
				},
			},
			{
				test: {
					name: "unit",
					include: ["test/unit/**/*.test.ts"],
					environment: "node",
					// Some unit tests run the whole report pipeline over the evaluation corpus; on a busy
					// 2-core machine one such test takes several seconds, past vitest's 5 s default.
					testTimeout: 30_000,
				},
			},
			{
				plugins: [
					quietThirdPartySourcemaps,
					cloudflareTest(async () => ({
						main: "./src/index.ts",
						wrangler: { configPath: "./wrangler.toml" },
						miniflare: {
							// The tests never reach a public host: no DNS-over-HTTPS lookups (tests inject a resolver).
							bindings: {
								TEST_MIGRATIONS: await readD1Migrations("./migrations"),
								DEV_MODE: "true",
								DOH_RESOLVER_URL: "",
							},
						},
					})),
				],
				test: {
					name: "integration",
					include: ["test/integration/**/*.test.ts"],
					setupFiles: ["./test/integration/apply-migrations.ts"],
					testTimeout: 60_000,
					hookTimeout: 60_000,
				},
			},
			{
				// The same Worker with every provider configured; tests replay recorded provider responses.
				plugins: [
					quietThirdPartySourcemaps,
					cloudflareTest(async () => ({
						main: "./src/index.ts",
						wrangler: { configPath: "./wrangler.toml" },
						miniflare: {
							bindings: {
								TEST_MIGRATIONS: await readD1Migrations("./migrations"),
								DEV_MODE: "true",
								DOH_RESOLVER_URL: "",
								...PROVIDER_SECRETS,
							},
						},
					})),
				],
				test: {
					name: "providers",
					include: ["test/providers/**/*.test.ts"],
					setupFiles: ["./test/integration/apply-migrations.ts"],
					testTimeout: 90_000,
					hookTimeout: 60_000,
				},
			},
		],
	},
});
