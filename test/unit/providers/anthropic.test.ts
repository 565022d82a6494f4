import { test } from "vitest";
import { z } from "zod";
import { AgentOutputSchema } from "../../../src/providers/types";

test("x", () => {
	console.log(JSON.stringify(z.toJSONSchema(AgentOutputSchema)));
	const r = AgentOutputSchema.safeParse({ findings: [{ title: 1 }], narrative: 3 });
	if (!r.success) console.log(z.prettifyError(r.error));
});
