// The core's public surface, for the CLI, the extension and tests.
export { ManifestEngine } from './analysis/engine';
export type { RuleError } from './analysis/engine';
export { RULES, RETIRED_CODES } from './analysis/registry';
export { DEFAULT_CONFIG, isUnresolvedSetting, readRuleSettings } from './analysis/config';
export type { AnalysisConfig, RuleSetting, UnresolvedSetting } from './analysis/config';
export type { Finding, Fix, RuleMeta, Severity, Rule } from './analysis/types';
export { SEVERITY_RANK } from './analysis/types';
export { DEFAULT_LIMITS } from './yaml/limits';
export type { InputLimits } from './yaml/limits';
export type { Range, Position } from './yaml/positions';
export type { FileInput } from './workspace/index';
export { HEAD_BYTES } from './workspace/index';
