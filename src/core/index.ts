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
export type { FileInput, LoadedFile } from './workspace/index';
export { loadFile } from './workspace/load';
export type { BulkLoader } from './analysis/engine';
export { packFile, unpackFile } from './yaml/transfer';
export type { PackedFile } from './yaml/transfer';
export type { ParseOptions } from './yaml/parse';
export type { InputProblem } from './yaml/decode';
export { HEAD_BYTES } from './workspace/index';
