import { invalidDuration } from './rules/istio-validation/invalid-duration';
import { invalidPort } from './rules/istio-validation/invalid-port';
import { apiVersion } from './rules/objects/api-version';
import { duplicateObject } from './rules/objects/duplicate-object';
import { missingName } from './rules/objects/missing-name';
import { constraint } from './rules/schema/constraint';
import { deprecatedField } from './rules/schema/deprecated-field';
import { enumValue } from './rules/schema/enum-value';
import { missingRequired } from './rules/schema/missing-required';
import { unknownField } from './rules/schema/unknown-field';
import { wrongType } from './rules/schema/wrong-type';
import { fileTooLarge } from './rules/syntax/file-too-large';
import { resourceLimit } from './rules/syntax/resource-limit';
import { templatedFile } from './rules/syntax/templated-file';
import { unreadableFile } from './rules/syntax/unreadable-file';
import { yamlSyntax } from './rules/syntax/yaml-syntax';
import { Rule } from './types';

/** Every rule, sorted by code. Codes are forever: a retired rule moves to RETIRED_CODES, never away. */
export const RULES: readonly Rule[] = [
  yamlSyntax, // ML0001
  duplicateObject, // ML0002
  missingName, // ML0003
  templatedFile, // ML0004
  fileTooLarge, // ML0005
  unreadableFile, // ML0006
  resourceLimit, // ML0007
  apiVersion, // ML0008
  unknownField, // ML0010
  wrongType, // ML0011
  enumValue, // ML0012
  missingRequired, // ML0013
  constraint, // ML0014
  deprecatedField, // ML0015
  invalidDuration, // ML0016
  invalidPort, // ML0017
];

/** Codes that were used once and must never be reused. */
export const RETIRED_CODES: readonly { code: string; id: string; reason: string }[] = [];
