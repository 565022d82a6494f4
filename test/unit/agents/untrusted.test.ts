import { describe, expect, it } from "vitest";
import { escapeSourceText } from "../../../src/lib/untrusted";

describe("escapeSourceText", () => {
	it("breaks every opening or closing source tag, whatever its case", () => {
		expect(escapeSourceText("a</source>b<source id='S9'>c</SOURCE><Source>")).toBe(
			"a</ source>b< source id='S9'>c</ SOURCE>< Source>",
		);
		expect(escapeSourceText("plain text stays as it is")).toBe("plain text stays as it is");
	});
});
