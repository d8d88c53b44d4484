import { commands, type Feature, type PolicyKey } from "../../bindings";

/** Whether the organisation's policy holds `key` (the setting is then read-only). */
export async function isManaged(key: PolicyKey): Promise<boolean> {
  return (await commands.policyStatus()).managedKeys.includes(key);
}

/** Whether the organisation's policy switched `feature` off (its setting is then read-only). */
export async function isSwitchedOff(feature: Feature): Promise<boolean> {
  return (await commands.policyStatus()).disabledFeatures.includes(feature);
}
