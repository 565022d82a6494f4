// @ts-check
/** The page's alert region, for errors the user should see. */
import { ApiError } from "./api.js";
import { byId } from "./dom.js";

/**
 * Shows an error in the page's alert region; a 401 also asks for a key.
 * @param {unknown} error
 */
export function showError(error) {
	const alert = byId("alert", HTMLDivElement);
	const needsKey = error instanceof ApiError && error.status === 401;
	alert.textContent = needsKey
		? `${error.message}. Enter an API key above.`
		: error instanceof Error
			? error.message
			: String(error);
	alert.hidden = false;
	if (needsKey) byId("api-key", HTMLInputElement).focus();
}
