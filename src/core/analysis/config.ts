import { DEFAULT_LIMITS, InputLimits } from '../yaml/limits';
import { Severity, SEVERITIES } from './types';

export type RuleSetting = Severity | 'off';

export type UnresolvedSetting = 'error' | 'warning' | 'off';

export interface AnalysisConfig {
  /** By code (`ML0002`) or id (`duplicate-object`). */
  rules: Readonly<Record<string, RuleSetting>>;
  limits: InputLimits;
  /**
   * References to objects the workspace does not contain at all (no object of that kind in that
   * namespace): usually defined in another repository, so a warning by default.
   */
  unresolvedReferences?: UnresolvedSetting;
}

export const DEFAULT_CONFIG: AnalysisConfig = { rules: {}, limits: DEFAULT_LIMITS, unresolvedReferences: 'warning' };

export function isUnresolvedSetting(v: unknown): v is UnresolvedSetting {
  return v === 'error' || v === 'warning' || v === 'off';
}

export function isRuleSetting(v: unknown): v is RuleSetting {
  return v === 'off' || (SEVERITIES as readonly unknown[]).includes(v);
}

/** Accepts what a user wrote in settings; returns the valid entries and a message per invalid one. */
export function readRuleSettings(raw: unknown): { rules: Record<string, RuleSetting>; problems: string[] } {
  const rules: Record<string, RuleSetting> = {};
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { rules, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('meshlens.rules must be an object such as { "ML0002": "off" }');
    return { rules, problems };
  }
  for (const [k, v] of Object.entries(raw)) {
    const s = typeof v === 'string' ? v.toLowerCase() : v;
    const norm = s === 'information' ? 'info' : s;
    if (isRuleSetting(norm)) rules[k] = norm;
    else problems.push(`meshlens.rules.${k}: "${String(v)}" is not one of off, error, warning, info, hint`);
  }
  return { rules, problems };
}
