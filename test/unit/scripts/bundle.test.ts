import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { BUNDLE_GZIP_CEILING_BYTES, bundleSize, sizeVerdict } from "../../../scripts/deploy/bundle";

describe("the Worker bundle's size", () => {
	it("counts the modules of a dry run's folder, not its source maps or README", () => {
		const dir = mkdtempSync(join(tmpdir(), "bundle-test-"));
		const script = "export default {};\n".repeat(200);
		writeFileSync(join(dir, "index.js"), script);
		writeFileSync(join(dir, "schema.sql"), "CREATE TABLE t (id text);\n");
		writeFileSync(join(dir, "index.js.map"), "x".repeat(10_000));
		writeFileSync(join(dir, "README.md"), "built output\n");
		const size = bundleSize(dir);
		expect(size.files.sort()).toEqual(["index.js", "schema.sql"]);
		expect(size.raw).toBe(script.length + 26);
		expect(size.gzip).toBe(gzipSync(script).length + gzipSync("CREATE TABLE t (id text);\n").length);
	});

	it("passes at the 1 MiB gzip ceiling and fails one byte above it", () => {
		expect(BUNDLE_GZIP_CEILING_BYTES).toBe(1024 * 1024);
		expect(sizeVerdict({ files: [], raw: 5_000_000, gzip: BUNDLE_GZIP_CEILING_BYTES })).toEqual({
			ok: true,
			line: "Worker bundle: 4882.8 KiB raw, 1024.0 KiB gzip; ceiling 1024.0 KiB gzip: within",
		});
		expect(sizeVerdict({ files: [], raw: 5_000_000, gzip: BUNDLE_GZIP_CEILING_BYTES + 1 }).ok).toBe(false);
	});
});
