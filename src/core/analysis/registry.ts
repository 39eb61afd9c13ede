import { conflictingFields } from './rules/istio-validation/conflicting-fields';
import { duplicateEntry } from './rules/istio-validation/duplicate-entry';
import { invalidAddress } from './rules/istio-validation/invalid-address';
import { invalidDuration } from './rules/istio-validation/invalid-duration';
import { invalidHeaderName } from './rules/istio-validation/invalid-header-name';
import { invalidHost } from './rules/istio-validation/invalid-host';
import { invalidPercentage } from './rules/istio-validation/invalid-percentage';
import { invalidPolicyTarget } from './rules/istio-validation/invalid-policy-target';
import { invalidPort } from './rules/istio-validation/invalid-port';
import { invalidRegex } from './rules/istio-validation/invalid-regex';
import { invalidUrl } from './rules/istio-validation/invalid-url';
import { missingRouteAction } from './rules/istio-validation/missing-route-action';
import { destinationruleConnectionPoolZero } from './rules/istio/destinationrule/destinationrule-connection-pool-zero';
import { destinationruleDuplicateSubset } from './rules/istio/destinationrule/destinationrule-duplicate-subset';
import { destinationruleHostNotFound } from './rules/istio/destinationrule/destinationrule-host-not-found';
import { destinationruleOutlierDetection } from './rules/istio/destinationrule/destinationrule-outlier-detection';
import { destinationruleSubsetNoWorkload } from './rules/istio/destinationrule/destinationrule-subset-no-workload';
import { destinationruleSubsetWithoutLabels } from './rules/istio/destinationrule/destinationrule-subset-without-labels';
import { destinationruleTlsNoCa } from './rules/istio/destinationrule/destinationrule-tls-no-ca';
import { envoyfilterPatchOperation } from './rules/istio/envoyfilter/envoyfilter-patch-operation';
import { k8sGatewayAddressConflict } from './rules/istio/gateway-api/k8s-gateway-address-conflict';
import { k8sGatewayListenerConflict } from './rules/istio/gateway-api/k8s-gateway-listener-conflict';
import { k8sRouteGatewayNotFound } from './rules/istio/gateway-api/k8s-route-gateway-not-found';
import { k8sRouteServiceNotFound } from './rules/istio/gateway-api/k8s-route-service-not-found';
import { gatewayConflict } from './rules/istio/gateway/gateway-conflict';
import { gatewayCredentialNotFound } from './rules/istio/gateway/gateway-credential-not-found';
import { gatewayDuplicateCertificate } from './rules/istio/gateway/gateway-duplicate-certificate';
import { gatewayPortNotOnService } from './rules/istio/gateway/gateway-port-not-on-service';
import { gatewaySelectorNoWorkload } from './rules/istio/gateway/gateway-selector-no-workload';
import { policySelectsK8sGateway } from './rules/istio/policy/policy-selects-k8s-gateway';
import { authzHostNotFound } from './rules/istio/security/authz-host-not-found';
import { authzInvalidMethod } from './rules/istio/security/authz-invalid-method';
import { authzNamespaceNotFound } from './rules/istio/security/authz-namespace-not-found';
import { authzPrincipalNotFound } from './rules/istio/security/authz-principal-not-found';
import { authzRequiresMtls } from './rules/istio/security/authz-requires-mtls';
import { jwtRule } from './rules/istio/security/jwt-rule';
import { mtlsCounterpartMissing } from './rules/istio/security/mtls-counterpart-missing';
import { mtlsModeConflict } from './rules/istio/security/mtls-mode-conflict';
import { mtlsOverridden } from './rules/istio/security/mtls-overridden';
import { peerAuthenticationConflict } from './rules/istio/security/peer-authentication-conflict';
import { selectorNoWorkload } from './rules/istio/security/selector-no-workload';
import { serviceentryAddressesRequired } from './rules/istio/serviceentry/serviceentry-addresses-required';
import { serviceentryConflictingProtocol } from './rules/istio/serviceentry/serviceentry-conflicting-protocol';
import { serviceentryDuplicateHostPort } from './rules/istio/serviceentry/serviceentry-duplicate-host-port';
import { sidecarDefaultDuplicate } from './rules/istio/sidecar/sidecar-default-duplicate';
import { sidecarEgressHostNotFound } from './rules/istio/sidecar/sidecar-egress-host-not-found';
import { sidecarInAmbientNamespace } from './rules/istio/sidecar/sidecar-in-ambient-namespace';
import { sidecarOutboundPolicyMode } from './rules/istio/sidecar/sidecar-outbound-policy-mode';
import { sidecarRootNamespaceSelector } from './rules/istio/sidecar/sidecar-root-namespace-selector';
import { sidecarSelectorConflict } from './rules/istio/sidecar/sidecar-selector-conflict';
import { sidecarSelectorNoWorkload } from './rules/istio/sidecar/sidecar-selector-no-workload';
import { telemetryAccessLogNoProvider } from './rules/istio/telemetry/telemetry-access-log-no-provider';
import { telemetryDefaultDuplicate } from './rules/istio/telemetry/telemetry-default-duplicate';
import { telemetryLightstepProvider } from './rules/istio/telemetry/telemetry-lightstep-provider';
import { telemetrySelectorConflict } from './rules/istio/telemetry/telemetry-selector-conflict';
import { telemetrySelectorNoWorkload } from './rules/istio/telemetry/telemetry-selector-no-workload';
import { conflictingHosts } from './rules/istio/virtualservice/conflicting-hosts';
import { destinationHostNotFound } from './rules/istio/virtualservice/destination-host-not-found';
import { destinationPort } from './rules/istio/virtualservice/destination-port';
import { destinationSubsetNotFound } from './rules/istio/virtualservice/destination-subset-not-found';
import { duplicateRouteDestination } from './rules/istio/virtualservice/duplicate-route-destination';
import { gatewayNotFound } from './rules/istio/virtualservice/gateway-not-found';
import { hostNotInGateway } from './rules/istio/virtualservice/host-not-in-gateway';
import { ineffectiveMatch } from './rules/istio/virtualservice/ineffective-match';
import { ingressSubsetIgnored } from './rules/istio/virtualservice/ingress-subset-ignored';
import { internalGatewayRef } from './rules/istio/virtualservice/internal-gateway-ref';
import { jwtClaimRouteWithoutAuthn } from './rules/istio/virtualservice/jwt-claim-route-without-authn';
import { legacyGatewayName } from './rules/istio/virtualservice/legacy-gateway-name';
import { retriesExceedTimeout } from './rules/istio/virtualservice/retries-exceed-timeout';
import { retriesWithAbortFault } from './rules/istio/virtualservice/retries-with-abort-fault';
import { routeWeights } from './rules/istio/virtualservice/route-weights';
import { unreachableRoute } from './rules/istio/virtualservice/unreachable-route';
import { workloadgroupDuplicateLabels } from './rules/istio/workloadgroup/workloadgroup-duplicate-labels';
import { apiVersion } from './rules/objects/api-version';
import { duplicateObject } from './rules/objects/duplicate-object';
import { missingName } from './rules/objects/missing-name';
import { applicationUid } from './rules/istio/workload/application-uid';
import { istioAnnotation } from './rules/istio/workload/istio-annotation';
import { portNameProtocol } from './rules/istio/workload/port-name-protocol';
import { serviceTargetPort } from './rules/istio/workload/service-target-port';
import { workloadServicePorts } from './rules/istio/workload/workload-service-ports';
import { analysisTemplate } from './rules/rollouts/analysis-template';
import { rolloutAmbassadorMapping } from './rules/rollouts/rollout-ambassador-mapping';
import { rolloutAnalysisRef } from './rules/rollouts/rollout-analysis-ref';
import { rolloutFinalStep } from './rules/rollouts/rollout-final-step';
import { rolloutIngress } from './rules/rollouts/rollout-ingress';
import { rolloutManualPause } from './rules/rollouts/rollout-manual-pause';
import { rolloutServiceRef } from './rules/rollouts/rollout-service-ref';
import { rolloutSpec } from './rules/rollouts/rollout-spec';
import { rolloutSteps } from './rules/rollouts/rollout-steps';
import { rolloutStrategy } from './rules/rollouts/rollout-strategy';
import { rolloutVirtualservice } from './rules/rollouts/rollout-virtualservice';
import { rolloutWeightDecrease } from './rules/rollouts/rollout-weight-decrease';
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
import { httpProbeOnGrpcPort } from './rules/workloads/http-probe-on-grpc-port';
import { livenessSameAsReadiness } from './rules/workloads/liveness-same-as-readiness';
import { missingLivenessProbe } from './rules/workloads/missing-liveness-probe';
import { missingReadinessProbe } from './rules/workloads/missing-readiness-probe';
import { probeHandler } from './rules/workloads/probe-handler';
import { probeHttpHeader } from './rules/workloads/probe-http-header';
import { probeNegativeValue } from './rules/workloads/probe-negative-value';
import { probeOnInitContainer } from './rules/workloads/probe-on-init-container';
import { probePortNotExposed } from './rules/workloads/probe-port-not-exposed';
import { probePortValue } from './rules/workloads/probe-port-value';
import { probeSuccessThreshold } from './rules/workloads/probe-success-threshold';
import { probeTerminationGracePeriod } from './rules/workloads/probe-termination-grace-period';
import { probeTimeoutNotBelowPeriod } from './rules/workloads/probe-timeout-not-below-period';
import { rolloutWithoutReadinessProbe } from './rules/workloads/rollout-without-readiness-probe';
import { slowStartWithoutStartupProbe } from './rules/workloads/slow-start-without-startup-probe';
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
  invalidPercentage, // ML0018
  invalidHost, // ML0019
  invalidPolicyTarget, // ML0020
  conflictingFields, // ML0021
  invalidAddress, // ML0022
  invalidUrl, // ML0023
  duplicateEntry, // ML0024
  invalidRegex, // ML0025
  invalidHeaderName, // ML0026
  missingRouteAction, // ML0027
  destinationHostNotFound, // ML1001
  destinationPort, // ML1002
  destinationSubsetNotFound, // ML1003
  gatewayNotFound, // ML1004
  legacyGatewayName, // ML1005
  hostNotInGateway, // ML1006
  internalGatewayRef, // ML1007
  conflictingHosts, // ML1008
  unreachableRoute, // ML1009
  ineffectiveMatch, // ML1010
  routeWeights, // ML1011
  duplicateRouteDestination, // ML1012
  ingressSubsetIgnored, // ML1013
  jwtClaimRouteWithoutAuthn, // ML1014
  retriesExceedTimeout, // ML1015
  retriesWithAbortFault, // ML1016
  destinationruleHostNotFound, // ML1101
  destinationruleSubsetNoWorkload, // ML1102
  destinationruleSubsetWithoutLabels, // ML1103
  destinationruleDuplicateSubset, // ML1104
  destinationruleTlsNoCa, // ML1105
  destinationruleOutlierDetection, // ML1106
  destinationruleConnectionPoolZero, // ML1107
  gatewaySelectorNoWorkload, // ML1110
  gatewayCredentialNotFound, // ML1111
  gatewayDuplicateCertificate, // ML1112
  gatewayConflict, // ML1113
  gatewayPortNotOnService, // ML1114
  serviceentryAddressesRequired, // ML1120
  serviceentryConflictingProtocol, // ML1121
  serviceentryDuplicateHostPort, // ML1122
  sidecarSelectorNoWorkload, // ML1130
  sidecarSelectorConflict, // ML1131
  sidecarDefaultDuplicate, // ML1132
  sidecarInAmbientNamespace, // ML1133
  sidecarRootNamespaceSelector, // ML1134
  sidecarOutboundPolicyMode, // ML1135
  sidecarEgressHostNotFound, // ML1136
  telemetrySelectorNoWorkload, // ML1140
  telemetrySelectorConflict, // ML1141
  telemetryDefaultDuplicate, // ML1142
  telemetryAccessLogNoProvider, // ML1143
  telemetryLightstepProvider, // ML1144
  policySelectsK8sGateway, // ML1145
  envoyfilterPatchOperation, // ML1150
  workloadgroupDuplicateLabels, // ML1160
  k8sRouteGatewayNotFound, // ML1170
  k8sRouteServiceNotFound, // ML1171
  k8sGatewayListenerConflict, // ML1172
  k8sGatewayAddressConflict, // ML1173
  portNameProtocol, // ML1201
  workloadServicePorts, // ML1202
  istioAnnotation, // ML1203
  applicationUid, // ML1204
  serviceTargetPort, // ML1205
  mtlsModeConflict, // ML2001
  mtlsCounterpartMissing, // ML2002
  mtlsOverridden, // ML2003
  authzNamespaceNotFound, // ML2004
  authzInvalidMethod, // ML2005
  authzHostNotFound, // ML2006
  authzPrincipalNotFound, // ML2007
  selectorNoWorkload, // ML2008
  jwtRule, // ML2009
  peerAuthenticationConflict, // ML2010
  authzRequiresMtls, // ML2011
  rolloutStrategy, // ML3001
  rolloutSpec, // ML3002
  rolloutSteps, // ML3003
  rolloutServiceRef, // ML3004
  rolloutVirtualservice, // ML3005
  rolloutAnalysisRef, // ML3006
  analysisTemplate, // ML3007
  rolloutWeightDecrease, // ML3008
  rolloutFinalStep, // ML3009
  rolloutManualPause, // ML3010
  rolloutIngress, // ML3011
  rolloutAmbassadorMapping, // ML3012
  probeHandler, // ML4001
  probeSuccessThreshold, // ML4002
  probeTerminationGracePeriod, // ML4003
  probePortValue, // ML4004
  probeOnInitContainer, // ML4005
  probeNegativeValue, // ML4006
  probeHttpHeader, // ML4007
  probePortNotExposed, // ML4010
  missingReadinessProbe, // ML4011
  missingLivenessProbe, // ML4012
  slowStartWithoutStartupProbe, // ML4020
  livenessSameAsReadiness, // ML4021
  probeTimeoutNotBelowPeriod, // ML4022
  httpProbeOnGrpcPort, // ML4023
  rolloutWithoutReadinessProbe, // ML4024
];

/** Codes that were used once and must never be reused. */
export const RETIRED_CODES: readonly { code: string; id: string; reason: string }[] = [];
