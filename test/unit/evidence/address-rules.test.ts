import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BlockReason } from "../../../src/evidence/address-rules";
import { checkUrl } from "../../../src/evidence/address-rules";

const BLOCKED: ReadonlyArray<[url: string, reason: BlockReason]> = [
	// 127.0.0.1 in every spelling the URL parser accepts
	["http://127.0.0.1/", "private_address"],
	["http://2130706433/", "private_address"],
	["http://0x7f.1/", "private_address"],
	["http://0x7f000001/", "private_address"],
	["http://0177.0.0.1/", "private_address"],
	["http://017700000001/", "private_address"],
	["http://127.1/", "private_address"],
	["http://127.0.1/", "private_address"],
	["http://127.0.0.1./", "private_address"],
	["http://127.255.255.254:8080/", "private_address"],
	["http://0/", "private_address"],
	["http://0.0.0.0/", "private_address"],
	// private, shared and reserved IPv4 ranges
	["http://10.0.0.1/", "private_address"],
	["http://0x0a000001/", "private_address"],
	["http://172.16.0.1/", "private_address"],
	["http://172.31.255.255/", "private_address"],
	["http://192.168.1.1/", "private_address"],
	["http://100.64.0.1/", "private_address"],
	["http://100.127.255.255/", "private_address"],
	["http://169.254.169.254/latest/meta-data/", "private_address"],
	["http://2852039166/", "private_address"],
	["http://192.0.0.170/", "private_address"],
	["http://192.0.2.10/", "private_address"],
	["http://198.18.0.1/", "private_address"],
	["http://198.19.255.1/", "private_address"],
	["http://198.51.100.7/", "private_address"],
	["http://203.0.113.9/", "private_address"],
	["http://224.0.0.251/", "private_address"],
	["http://239.255.255.250/", "private_address"],
	["http://240.0.0.1/", "private_address"],
	["http://255.255.255.255/", "private_address"],
	// IPv6
	["http://[::]/", "private_address"],
	["http://[::1]/", "private_address"],
	["http://[0:0:0:0:0:0:0:1]/", "private_address"],
	["http://[::ffff:10.0.0.1]/", "private_address"],
	["http://[::ffff:7f00:1]/", "private_address"],
	["http://[::ffff:169.254.169.254]/", "private_address"],
	["http://[::127.0.0.1]/", "private_address"],
	["http://[::8.8.8.8]/", "private_address"],
	["http://[::ffff:0:192.168.0.1]/", "private_address"],
	["http://[64:ff9b::10.0.0.1]/", "private_address"],
	["http://[64:ff9b::7f00:1]/", "private_address"],
	["http://[64:ff9b:1::1]/", "private_address"],
	["http://[2002:7f00:1::]/", "private_address"],
	["http://[fd00:ec2::254]/", "private_address"],
	["http://[fc00::1]/", "private_address"],
	["http://[FE80::1]/", "private_address"],
	["http://[fec0::1]/", "private_address"],
	["http://[ff02::1]/", "private_address"],
	["http://[2001:db8::1]/", "private_address"],
	["http://[100::1]/", "private_address"],
	// names that only resolve on local networks
	["http://localhost/", "blocked_host"],
	["http://localhost./", "blocked_host"],
	["http://LOCALHOST/", "blocked_host"],
	["http://%6c%6fcalhost/", "blocked_host"],
	["http://ｌｏｃａｌｈｏｓｔ/", "blocked_host"],
	["http://api.localhost/", "blocked_host"],
	["http://printer.local/", "blocked_host"],
	["http://foo.internal/", "blocked_host"],
	["http://metadata.google.internal/computeMetadata/v1/", "blocked_host"],
	["http://METADATA.GOOGLE.INTERNAL./", "blocked_host"],
	["http://metadata/", "blocked_host"],
	["http://router.home.arpa/", "blocked_host"],
	["http://nas.lan/", "blocked_host"],
	["http://wiki.corp/", "blocked_host"],
	["http://intranet/", "blocked_host"],
	// scheme, credentials, port, syntax
	["file:///etc/passwd", "scheme"],
	["gopher://x", "scheme"],
	["ftp://example.com/file", "scheme"],
	["data:text/html,hi", "scheme"],
	["javascript:alert(1)", "scheme"],
	["http://user:pass@example.com/", "credentials"],
	["http://user@example.com/", "credentials"],
	["https://:secret@example.com/", "credentials"],
	["http://example.com:22/", "port"],
	["http://example.com:6379/", "port"],
	["https://example.com:8000/", "port"],
	["not a url", "invalid_url"],
	["/relative/path", "invalid_url"],
	["http://[::1/", "invalid_url"],
	["", "invalid_url"],
];

const ALLOWED: readonly string[] = [
	"https://example.com/",
	"http://example.com/page?q=1#top",
	"https://example.com./",
	"http://93.184.215.14/",
	"https://8.8.8.8/",
	"https://[2606:4700::1111]/",
	"https://[2001:4860:4860::8888]/dns",
	"https://[::ffff:8.8.8.8]/",
	"https://[64:ff9b::8.8.8.8]/",
	"http://example.com:80/",
	"http://example.com:8080/",
	"https://example.com:8443/",
	"http://example.com:443/",
	"https://en.wikipedia.org/wiki/Local_area_network",
	"https://localhost.example.com/",
	"https://internal.example.org/",
	"http://172.32.0.1/",
	"http://100.128.0.1/",
	"http://169.255.0.1/",
	"http://11.0.0.1/",
];

describe("checkUrl", () => {
	it("has a broad blocked table", () => {
		expect(BLOCKED.length).toBeGreaterThanOrEqual(45);
	});

	it.each(BLOCKED)("blocks %s (%s)", (url, reason) => {
		const result = checkUrl(url);
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.reason).toBe(reason);
			expect(result.detail.length).toBeGreaterThan(0);
		}
	});

	it.each(ALLOWED)("allows %s", (url) => {
		const result = checkUrl(url);
		expect(result).toMatchObject({ ok: true });
		if (result.ok) expect(result.url.href).toBe(new URL(url).href);
	});

	it("names the range a private address falls in", () => {
		const result = checkUrl("http://0x7f.1/");
		expect(result).toEqual({
			ok: false,
			reason: "private_address",
			detail: "127.0.0.1 is loopback (127.0.0.0/8)",
		});
		const mapped = checkUrl("http://[::ffff:169.254.169.254]/");
		expect(mapped.ok === false && mapped.detail).toContain("169.254.169.254");
	});

	it("blocks every address in 10.0.0.0/8 written as one decimal integer", () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 2 ** 24 - 1 }), (offset) => {
				const result = checkUrl(`http://${10 * 2 ** 24 + offset}/`);
				return result.ok === false && result.reason === "private_address";
			}),
		);
	});

	it("blocks every loopback address written in hex, and its IPv4-mapped IPv6 form", () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 2 ** 24 - 1 }), (offset) => {
				const address = 127 * 2 ** 24 + offset;
				const high = Math.floor(address / 0x10000).toString(16);
				const low = (address % 0x10000).toString(16);
				const hex = checkUrl(`http://0x${address.toString(16)}/`);
				const mapped = checkUrl(`http://[::ffff:${high}:${low}]/`);
				return !hex.ok && hex.reason === "private_address" && !mapped.ok;
			}),
		);
	});

	it("allows every address in the public 8.0.0.0/8 block in dotted and mapped form", () => {
		fc.assert(
			fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)), ([b, c, d]) => {
				return checkUrl(`http://8.${b}.${c}.${d}/`).ok && checkUrl(`http://[::ffff:8.${b}.${c}.${d}]/`).ok;
			}),
		);
	});
});
