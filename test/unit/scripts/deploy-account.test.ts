import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
	listSecretNames,
	parseJsonOutput,
	queueFound,
	r2BucketNames,
	requireLogin,
} from "../../../scripts/deploy/account";
import type { Runner, RunResult } from "../../../scripts/lib/tools";

const result = (status: number, stdout: string, stderr = ""): RunResult => ({ status, stdout, stderr });
const answering =
	(answer: RunResult): Runner =>
	async () =>
		answer;

describe("reading wrangler's output", () => {
	it("reads a --json document printed after other lines, and refuses one of another shape", () => {
		const schema = z.array(z.object({ name: z.string() }));
		const printed = result(0, 'Some notice\n[\n  { "name": "a" }\n]\n');
		expect(parseJsonOutput(schema, printed, "wrangler x --json")).toEqual([{ name: "a" }]);
		expect(() => parseJsonOutput(schema, result(0, '{"name": 1}'), "wrangler x --json")).toThrow(
			/could not read the output of `wrangler x --json`/,
		);
	});

	it("reads bucket names from `r2 bucket list`, coloured or not", () => {
		const plain =
			"Listing buckets...\nname:           one\ncreation_date:  2026-01-01T00:00:00.000Z\n\nname:  two\ncreation_date:  x\n";
		expect(r2BucketNames(plain)).toEqual(["one", "two"]);
		expect(r2BucketNames("\u001b[37mname:\u001b[39m  \u001b[90mthree\u001b[39m\n")).toEqual(["three"]);
		expect(r2BucketNames("Listing buckets...\n")).toEqual([]);
	});

	it("tells a missing queue from a failed lookup", () => {
		expect(queueFound(result(0, "Queue Name: q"), "q")).toBe(true);
		expect(queueFound(result(1, "", '✘ [ERROR] Queue "q" does not exist. To create it, run: …'), "q")).toBe(
			false,
		);
		expect(() => queueFound(result(1, "", "✘ [ERROR] A request to the Cloudflare API failed."), "q")).toThrow(
			/`wrangler queues info q` failed \(exit 1\)/,
		);
	});

	it("reads no secrets before the Worker's first deploy, and stops on any other failure", async () => {
		const secrets = result(0, '[\n  { "name": "ADMIN_TOKEN", "type": "secret_text" }\n]');
		expect(await listSecretNames(answering(secrets))).toEqual(["ADMIN_TOKEN"]);
		const notDeployed = result(1, "", '✘ [ERROR] Worker "research-swarm" (env: production) not found.\n');
		expect(await listSecretNames(answering(notDeployed))).toEqual([]);
		await expect(listSecretNames(answering(result(1, "", "✘ [ERROR] Authentication error")))).rejects.toThrow(
			/Authentication error/,
		);
	});

	it("says how to log in when wrangler has no credentials", async () => {
		await expect(requireLogin(answering(result(1, '{"loggedIn":false}')))).rejects.toThrow(
			/npx wrangler login/,
		);
		await expect(requireLogin(answering(result(0, '{"loggedIn":true}')))).resolves.toBeUndefined();
	});
});
