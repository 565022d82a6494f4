/** The opaque page cursors of the list routes: a (createdAt, id) position as URL-safe text. */
import { z } from "@hono/zod-openapi";
import type { PageCursor } from "../db/pages";
import { ApiError } from "./errors";

/** An opaque page cursor for a (createdAt, id) position. */
export function encodeCursor(cursor: PageCursor): string {
	return btoa(JSON.stringify([cursor.createdAt, cursor.id])).replaceAll("=", "");
}

/** The position of a cursor made by `encodeCursor`; a 400 for anything else. */
export function decodeCursor(text: string): PageCursor {
	try {
		const [createdAt, id] = z.tuple([z.number(), z.string()]).parse(JSON.parse(atob(text)));
		return { createdAt, id };
	} catch {
		throw new ApiError(400, "invalid_cursor", "cursor is not one this API returned");
	}
}
