import { describe, expect, it } from "vitest";
import { SnapshotCache } from "../../../src/evidence/snapshot-cache";

/** A read that counts its calls and answers `text`. */
function counted(text: string | null) {
	const read = async () => {
		read.calls += 1;
		return text;
	};
	read.calls = 0;
	return read;
}

describe("SnapshotCache", () => {
	it("reads a key once, sharing a read in flight with concurrent callers", async () => {
		const cache = new SnapshotCache(100);
		const read = counted("alpha");
		const [first, second] = await Promise.all([cache.get("a", read), cache.get("a", read)]);
		expect([first, second, await cache.get("a", read)]).toEqual(["alpha", "alpha", "alpha"]);
		expect(read.calls).toBe(1);
		expect(cache.size).toBe(5);
	});

	it("keeps neither missing snapshots nor failed reads", async () => {
		const cache = new SnapshotCache(100);
		const missing = counted(null);
		expect(await cache.get("m", missing)).toBeNull();
		expect(await cache.get("m", missing)).toBeNull();
		expect(missing.calls).toBe(2);
		await expect(cache.get("f", () => Promise.reject(new Error("R2 down")))).rejects.toThrow("R2 down");
		expect(await cache.get("f", async () => "back")).toBe("back");
	});

	it("evicts the least recently used texts beyond its bound, and never keeps one larger than it", async () => {
		const cache = new SnapshotCache(10);
		cache.put("a", "aaaa");
		cache.put("b", "bbbb");
		await cache.get("a", counted("unused")); // a is now the most recently used
		cache.put("c", "cccc");
		expect(cache.size).toBe(8);
		const b = counted("b again");
		expect(await cache.get("b", b)).toBe("b again");
		expect(b.calls).toBe(1);
		const large = counted("x".repeat(11));
		await cache.get("large", large);
		await cache.get("large", large);
		expect(large.calls).toBe(2);
	});

	it("serves a text it was given without reading", async () => {
		const cache = new SnapshotCache(100);
		cache.put("k", "stored");
		const read = counted("read");
		expect(await cache.get("k", read)).toBe("stored");
		expect(read.calls).toBe(0);
	});
});
