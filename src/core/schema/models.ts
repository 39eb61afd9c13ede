import { lookupKind } from '../k8s/kinds';
import { CATALOG_SOURCES } from './catalog';

/** The model package a custom resource's schema comes from, by project. */
const MODEL_PACKAGE: Record<string, { pkg: string; project: string }> = {
  istio: { pkg: '@kubernetes-models/istio', project: 'Istio' },
  argo: { pkg: '@kubernetes-models/argo-rollouts', project: 'Argo Rollouts' },
  'gateway-api': { pkg: '@kubernetes-models/gateway-api', project: 'Gateway API' },
};

export interface ModelSource {
  /** The project whose CRDs the model follows: "Istio". */
  project: string;
  /** The package and version the catalog was derived from: "@kubernetes-models/istio 3.0.1". */
  source: string;
}

/**
 * The model behind a custom resource's schema. These packages follow the projects' CRDs releases
 * behind, so a field or value missing from them may be newer rather than wrong; built-in kinds
 * (undefined here) have no such excuse.
 */
export function crdModel(group: string, kind: string): ModelSource | undefined {
  const model = MODEL_PACKAGE[lookupKind(group, kind)?.family ?? ''];
  if (!model) return undefined;
  return { project: model.project, source: `${model.pkg} ${CATALOG_SOURCES[model.pkg] ?? ''}`.trim() };
}

const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
const PASCAL = /^[A-Z][a-z0-9]*(?:[A-Z][a-z0-9]*)*$/;

/**
 * Whether a value outside an enum could be one that a release newer than the model added. Nothing
 * says which enums will grow, so the value itself is judged. Of the four values Istio added to
 * these kinds' enums between its 1.18 and 1.29 CRDs (the two model versions on npm) and since,
 * three (OPTIONAL_MUTUAL, DYNAMIC_DNS, MERGE_AND_REPLACE_LIST) are written like their siblings and
 * reuse their words. A value in another style (`strict`, `Round-Robin`) or made only of words the
 * enum never uses (`BLAH`, `ISTIO_MUTUAL` for a PeerAuthentication's mode) is far likelier a
 * mistake, and so is a near miss (the rule keeps those with a did-you-mean). The price: a new
 * value with words of its own, like the fourth (WAYPOINT, an EnvoyFilter context), is an error
 * until the model catches up.
 */
export function mayBeNewerValue(value: string, allowed: ReadonlyArray<string | number>): boolean {
  const values = allowed.filter((a): a is string => typeof a === 'string');
  if (!values.length || values.length !== allowed.length) return false;
  let words: (s: string) => string[];
  if (values.every((v) => UPPER_SNAKE.test(v))) {
    if (!UPPER_SNAKE.test(value)) return false;
    words = (s) => s.split('_');
  } else if (values.every((v) => PASCAL.test(v))) {
    if (!PASCAL.test(value)) return false;
    words = (s) => s.split(/(?=[A-Z])/);
  } else {
    return false;
  }
  const known = new Set(values.flatMap(words));
  return words(value).some((w) => known.has(w));
}
