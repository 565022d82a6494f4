import { describe, expect, it } from "vitest";
import { extractPageText } from "../../../src/evidence/page-text";

const ARTICLE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>  Solar  &amp; Wind &mdash; 2024 Review </title>
  <style>body { font-family: sans-serif; } p::after { content: "styled"; }</style>
  <script>window.tracking = "<p>not content</p>"; if (a < b && c > d) {}</script>
  <noscript><p>Please enable JavaScript</p></noscript>
</head>
<body>
  <nav><a href="/">Home</a> | <a href="/about">About us</a></nav>
  <header><h1>Capacity &quot;grew&quot; in 2024</h1></header>
  <main>
    <p>Installed   solar capacity
       rose by 30&#37; in the year&nbsp;to December.</p>
    <p>Caf&eacute; owners &amp; farmers said &#8220;it pays&#8221; &ndash; mostly.</p>
    <ul>
      <li>Germany: <b>12</b> GW</li>
      <li>Spain: <i>8</i>&#x202F;GW
      <li>Italy &lt;5 GW</li>
    </ul>
    <table><tr><th>Year</th><th>GW</th></tr><tr><td>2023</td><td>40</td></tr></table>
    <svg viewBox="0 0 10 10"><title>chart icon</title><text>svg label</text></svg>
    <template><p>template text</p></template>
    <pre>first line
  second line</pre>
    <p>Line one<br>Line two</p>
  </main>
  <script src="/app.js"></script>
</body>
</html>`;

describe("extractPageText (Workers HTMLRewriter)", () => {
	it("turns an article into clean lines without scripts, styles, navigation or markup", async () => {
		const page = await extractPageText(ARTICLE, "text/html; charset=utf-8");
		expect(page.title).toBe("Solar & Wind — 2024 Review");
		expect(page.text.split("\n")).toEqual([
			'Capacity "grew" in 2024',
			"Installed solar capacity rose by 30% in the year to December.",
			"Café owners & farmers said “it pays” – mostly.",
			"Germany: 12 GW",
			"Spain: 8 GW",
			"Italy <5 GW",
			"Year GW",
			"2023 40",
			"first line",
			"second line",
			"Line one",
			"Line two",
		]);
		for (const hidden of [
			"tracking",
			"styled",
			"enable JavaScript",
			"Home",
			"chart icon",
			"svg label",
			"template",
		]) {
			expect(page.text).not.toContain(hidden);
		}
	});

	it("decodes numeric references, HTML's Windows-1252 reading of 0x80–0x9F, and leaves unknown names", async () => {
		const page = await extractPageText(
			"<p>&#65;&#x42;&#X43; &#146;s &#150; &#0; &#xD800; &unknown; &toString; &amp;lt; &alpha;&Omega; &ntilde;</p>",
			"text/html",
		);
		expect(page.text).toBe("ABC ’s – \ufffd \ufffd &unknown; &toString; &lt; αΩ ñ");
	});

	it("removes invisible characters and keeps the first title only", async () => {
		const page = await extractPageText(
			"<title>First</title><title>Second</title><p>soft&shy;ware zero\u200bwidth</p>",
			"application/xhtml+xml",
		);
		expect(page).toEqual({ title: "First", text: "software zerowidth" });
	});

	it("handles self-closing foreign elements and void elements without losing the rest", async () => {
		const page = await extractPageText(
			'<p>before<svg/>after<img src="x.png">image<hr>rule</p><div>tail',
			"text/html",
		);
		expect(page).toEqual({ title: null, text: "beforeafterimage\nrule\ntail" });
	});

	it("returns null for a missing or empty title", async () => {
		expect((await extractPageText("<p>x</p>", "text/html")).title).toBeNull();
		expect((await extractPageText("<title> </title><p>x</p>", "text/html")).title).toBeNull();
	});

	it("passes plain text, Markdown and JSON through, trimmed and untouched", async () => {
		expect(await extractPageText("  a &amp; <b>b</b>\n\n  c  \n", "text/plain")).toEqual({
			title: null,
			text: "a &amp; <b>b</b>\n\n  c",
		});
		expect(await extractPageText("# Title\n\n- item\n", "text/markdown; charset=utf-8")).toEqual({
			title: null,
			text: "# Title\n\n- item",
		});
		expect(await extractPageText(' {"a": "<p>"} ', "application/json")).toEqual({
			title: null,
			text: '{"a": "<p>"}',
		});
	});
});
