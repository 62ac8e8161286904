/**
 * A real OpenID Connect provider on loopback (oauth2-mock-server) standing in for Google,
 * Facebook and Amazon in the contract suite: each platform under test is configured with it as
 * its OIDC provider (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET), and it vouches for
 * whoever the test says signs in next, in the ID token and at userinfo.
 */
import { OAuth2Server } from "oauth2-mock-server";

export interface OidcIdentity {
  sub: string;
  email: string;
  name: string;
}

export const OIDC_CLIENT_ID = "kodo-contract";
const OIDC_CLIENT_SECRET = "kodo-contract-secret";

export interface TestOidcProvider {
  issuer: string;
  /** The sign-in settings that point a platform at this provider. */
  vars: Record<string, string>;
  setIdentity(identity: OidcIdentity): void;
  stop(): Promise<void>;
}

export async function startOidcProvider(): Promise<TestOidcProvider> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate("RS256");
  await server.start(0, "127.0.0.1");
  const issuer = server.issuer.url!;
  let identity: OidcIdentity = { sub: "contract-user", email: "contract.user@example.com", name: "Contract User" };
  server.service.on("beforeTokenSigning", (token) => {
    if (token.payload.aud === OIDC_CLIENT_ID) Object.assign(token.payload, { ...identity, email_verified: true });
  });
  server.service.on("beforeUserinfo", (userInfo) => {
    userInfo.body = { ...identity, email_verified: true };
  });
  return {
    issuer,
    vars: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME: "Contract SSO" },
    setIdentity: (next) => void (identity = next),
    stop: () => server.stop(),
  };
}
