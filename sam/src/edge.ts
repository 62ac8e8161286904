/**
 * What the functions may believe about who is asking. On AWS the browser reaches them through
 * CloudFront, whose viewer function sets the viewer's host and address (template.yaml
 * ViewerHeaders), and CloudFront adds the stack's edge token to every request it sends on
 * (Distribution OriginCustomHeaders; the functions have it as KODO_EDGE_TOKEN). The site
 * function passes both on with the token when it calls the API. The HTTP API's own URL stays
 * reachable (WakaTime clients may use it), so a request without the token gets neither: its
 * address is the one API Gateway saw, and its host the HTTP API's.
 */

/** The viewer's address (sign-in rate limits count by it). */
export const CLIENT_IP_HEADER = "x-kodo-client-ip";
/** The host the browser used (the site's public origin). */
export const FORWARDED_HOST_HEADER = "x-forwarded-host";
/** The stack's edge token: proves the two headers above were set by CloudFront or the site function. */
export const EDGE_TOKEN_HEADER = "x-kodo-edge";

export interface Caller {
  clientIp: string;
  /** The browser's host, or null when the request did not come through the edge. */
  forwardedHost: string | null;
}

/** Who is asking: vouched-for headers when the token matches, else what API Gateway saw. */
export function caller(headers: Record<string, string | undefined>, sourceIp: string, token: string | undefined): Caller {
  const trusted = typeof token === "string" && token.length >= 16 && headers[EDGE_TOKEN_HEADER] === token;
  return {
    clientIp: (trusted && headers[CLIENT_IP_HEADER]) || sourceIp,
    forwardedHost: (trusted && headers[FORWARDED_HOST_HEADER]) || null,
  };
}
