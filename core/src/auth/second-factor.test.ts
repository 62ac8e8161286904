import { describe, expect, it } from "vitest";
import { needsPasskey, requiresPasskey } from "./second-factor.ts";

describe("second factor", () => {
  it("a session is limited only when its user requires a passkey and no passkey made it", () => {
    expect(needsPasskey({ passkeyRequired: true }, { passkeyVerified: false })).toBe(true);
    expect(needsPasskey({ passkeyRequired: true }, {})).toBe(true);
    expect(needsPasskey({ passkeyRequired: true }, { passkeyVerified: true })).toBe(false);
    expect(needsPasskey({ passkeyRequired: false }, { passkeyVerified: false })).toBe(false);
    expect(needsPasskey({}, {})).toBe(false);
    // Only a real boolean counts (a stored 1 or "true" is not the setting).
    expect(requiresPasskey({ passkeyRequired: "true" })).toBe(false);
  });
});
