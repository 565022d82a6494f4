/** The one check of a URL that is to receive webhooks, at the moment it is given to the API. */
import { checkUrl } from "../evidence/address-rules";
import { ApiError } from "./errors";

/**
 * The URL, parsed, if the guarded fetch will deliver to it; otherwise a 400 `url_not_allowed` naming
 * why. Endpoint creation and a job's `callbackUrl` both go through here, so a URL refused at delivery
 * is refused when it is given instead of being accepted and failing later.
 * @example webhookTarget("http://127.0.0.1/hook") // throws 400 url_not_allowed: "127.0.0.1 is loopback (127.0.0.0/8)"
 */
export function webhookTarget(url: string): URL {
	const check = checkUrl(url);
	if (!check.ok) {
		throw new ApiError(400, "url_not_allowed", `the URL cannot receive webhooks: ${check.detail}`, {
			reason: check.reason,
		});
	}
	return check.url;
}
