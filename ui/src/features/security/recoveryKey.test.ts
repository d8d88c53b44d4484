import { describe, expect, it } from "vitest";
import { sameRecoveryKey } from "./recoveryKey";

describe("recovery key check", () => {
  const shown = "EsTc 7Ywx 9Ztr aBcd EfGh iJkL mNoP qRsT uVwX yZ12 3456 789a";

  it("accepts the key typed with other spacing or on several lines", () => {
    expect(sameRecoveryKey("EsTc7Ywx9ZtraBcd EfGh\niJkL mNoP qRsT uVwX yZ12 3456 789a ", shown)).toBe(true);
  });

  it("refuses a different character, a missing group or nothing", () => {
    expect(sameRecoveryKey(shown.replace("EsTc", "EsTC"), shown)).toBe(false);
    expect(sameRecoveryKey(shown.slice(0, -5), shown)).toBe(false);
    expect(sameRecoveryKey("   ", "")).toBe(false);
  });
});
