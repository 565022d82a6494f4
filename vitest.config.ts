import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { PROVIDER_SECRETS } from "./test/providers/secrets.ts";

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
				},
			},
			{
				plugins: [
					cloudflareTest(async () => ({
						main: "./src/index.ts",
						wrangler: { configPath: "./wrangler.toml" },
						miniflare: {
							bindings: { TEST_MIGRATIONS: await readD1Migrations("./migrations"), DEV_MODE: "true" },
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
					cloudflareTest(async () => ({
						main: "./src/index.ts",
						wrangler: { configPath: "./wrangler.toml" },
						miniflare: {
							bindings: {
								TEST_MIGRATIONS: await readD1Migrations("./migrations"),
								DEV_MODE: "true",
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
