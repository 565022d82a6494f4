/**
 * Wire shapes of the learning routes that `src/protocol.ts` does not already define (patterns and
 * statistics are there): `POST /v1/learn` and `GET /v1/patterns/:id`. Shared by the routes and the client.
 */
import { z } from "@hono/zod-openapi";
import { DEFAULT_MIN_PATTERNS } from "../learning/distill.ts";
import { PatternSchema } from "../protocol.ts";

/** Answer of `GET /v1/patterns` (newest first, or by similarity to `q`). */
export const PatternListSchema = z.object({ patterns: z.array(PatternSchema) });
export type PatternList = z.infer<typeof PatternListSchema>;

/** Answer of `GET /v1/patterns/:id`: the pattern and how it is linked to others. */
export const PatternDetailSchema = PatternSchema.extend({
	associations: z.array(z.object({ kind: z.string(), patternId: z.string(), strength: z.number() })),
});
export type PatternDetail = z.infer<typeof PatternDetailSchema>;

/** Body of `POST /v1/learn` (optional: every field has a default). */
export const LearnRequestSchema = z
	.object({ minPatterns: z.int().min(1).max(1000).default(DEFAULT_MIN_PATTERNS) })
	.strict();
export type LearnRequest = z.input<typeof LearnRequestSchema>;

/** Answer of `POST /v1/learn`: what was created now, and the totals. */
export const LearnResultSchema = z.object({
	patterns: z.int(),
	distillations: z.object({ created: z.int(), total: z.int() }),
	associations: z.object({ created: z.int(), total: z.int() }),
});
export type LearnResult = z.infer<typeof LearnResultSchema>;
