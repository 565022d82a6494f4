import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		projects: [
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
							bindings: { TEST_MIGRATIONS: await readD1Migrations("./migrations") },
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
		],
	},
});
