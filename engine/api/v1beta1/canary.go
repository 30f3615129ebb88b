// This file is the Canary kind as users write it: the spec (target, service, analysis, metrics,
// webhooks, alerts, references) and the provider and strategy names the rest of rehearse compares.

package v1beta1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Providers rehearse knows by name. Any other string is kept as written.
const (
	KubernetesProvider = "kubernetes"
	GatewayAPIProvider = "gatewayapi"
	IstioProvider      = "istio"
	LinkerdProvider    = "linkerd"
	NginxProvider      = "nginx"
	ContourProvider    = "contour"
	AppMeshProvider    = "appmesh"
	KnativeProvider    = "knative"
)

// Deployment strategies, derived from the analysis (see DeploymentStrategy).
const (
	StrategyCanary    = "canary"
	StrategyBlueGreen = "blue-green"
	StrategyABTesting = "ab-testing"
)

// +genclient
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=cd
// +kubebuilder:printcolumn:name="Status",type="string",JSONPath=".status.phase"
// +kubebuilder:printcolumn:name="Weight",type="integer",JSONPath=".status.canaryWeight"
// +kubebuilder:printcolumn:name="FailedChecks",type="integer",JSONPath=".status.failedChecks",priority=1
// +kubebuilder:printcolumn:name="Interval",type="string",JSONPath=".spec.analysis.interval",priority=1
// +kubebuilder:printcolumn:name="StepWeight",type="integer",JSONPath=".spec.analysis.stepWeight",priority=1
// +kubebuilder:printcolumn:name="MaxWeight",type="integer",JSONPath=".spec.analysis.maxWeight",priority=1
// +kubebuilder:printcolumn:name="LastTransitionTime",type="string",JSONPath=".status.lastTransitionTime"

// Canary is the progressive-delivery policy for one workload.
type Canary struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   CanarySpec   `json:"spec"`
	Status CanaryStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// CanaryList is a list of Canaries.
type CanaryList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []Canary `json:"items"`
}

// CanarySpec is what the user asks of a rollout.
type CanarySpec struct {
	// Provider overrides the controller's mesh or ingress provider.
	// +optional
	Provider string `json:"provider,omitempty"`
	// MetricsServer overrides the Prometheus address for builtin metrics.
	// +optional
	MetricsServer string `json:"metricsServer,omitempty"`
	// TargetRef is the workload under rollout (Deployment, DaemonSet or Service).
	TargetRef LocalObjectReference `json:"targetRef"`
	// +optional
	AutoscalerRef *AutoscalerReference `json:"autoscalerRef,omitempty"`
	// +optional
	IngressRef *LocalObjectReference `json:"ingressRef,omitempty"`
	// +optional
	RouteRef *LocalObjectReference `json:"routeRef,omitempty"`
	// +optional
	UpstreamRef *CrossNamespaceObjectReference `json:"upstreamRef,omitempty"`
	// Service describes the apex, primary and canary services. A Canary
	// of a Knative Service (provider knative) may leave it out.
	// +optional
	Service CanaryService `json:"service,omitempty"`
	// Analysis is the canary analysis; CanaryAnalysis is its deprecated alias.
	// +optional
	Analysis *CanaryAnalysis `json:"analysis,omitempty"`
	// +optional
	CanaryAnalysis *CanaryAnalysis `json:"canaryAnalysis,omitempty"`
	// ProgressDeadlineSeconds bounds how long a workload may stay not ready (default 600).
	// +optional
	ProgressDeadlineSeconds *int32 `json:"progressDeadlineSeconds,omitempty"`
	// +optional
	SkipAnalysis bool `json:"skipAnalysis,omitempty"`
	// +optional
	RevertOnDeletion bool `json:"revertOnDeletion,omitempty"`
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// CanaryService describes the Kubernetes services and mesh routes Flagger manages.
type CanaryService struct {
	// +optional
	Name string `json:"name,omitempty"`
	Port int32  `json:"port"`
	// +optional
	PortName string `json:"portName,omitempty"`
	// +optional
	TargetPort intstr.IntOrString `json:"targetPort,omitempty"`
	// +optional
	AppProtocol string `json:"appProtocol,omitempty"`
	// +optional
	TrafficDistribution string `json:"trafficDistribution,omitempty"`
	// +optional
	PortDiscovery bool `json:"portDiscovery,omitempty"`
	// +optional
	Headless bool `json:"headless,omitempty"`
	// +optional
	Timeout string `json:"timeout,omitempty"`
	// +optional
	BackendTimeout string `json:"backendTimeout,omitempty"`
	// +optional
	Gateways []string `json:"gateways,omitempty"`
	// GatewayRefs are Gateway API parent references, kept as written.
	// +optional
	GatewayRefs []apiextensionsv1.JSON `json:"gatewayRefs,omitempty"`
	// +optional
	Hosts []string `json:"hosts,omitempty"`
	// +optional
	Delegation bool `json:"delegation,omitempty"`
	// +optional
	TrafficPolicy *apiextensionsv1.JSON `json:"trafficPolicy,omitempty"`
	// +optional
	Match []HTTPMatchRequest `json:"match,omitempty"`
	// +optional
	Rewrite *HTTPRewrite `json:"rewrite,omitempty"`
	// +optional
	Retries *apiextensionsv1.JSON `json:"retries,omitempty"`
	// +optional
	Headers *apiextensionsv1.JSON `json:"headers,omitempty"`
	// +optional
	Mirror []apiextensionsv1.JSON `json:"mirror,omitempty"`
	// +optional
	CorsPolicy *apiextensionsv1.JSON `json:"corsPolicy,omitempty"`
	// +optional
	MeshName string `json:"meshName,omitempty"`
	// +optional
	Backends []string `json:"backends,omitempty"`
	// +optional
	Apex *CustomMetadata `json:"apex,omitempty"`
	// +optional
	Primary *CustomMetadata `json:"primary,omitempty"`
	// +optional
	Canary *CustomMetadata `json:"canary,omitempty"`
	// +optional
	UnmanagedMetadata *UnmanagedMetadata `json:"unmanagedMetadata,omitempty"`
}

// UnmanagedMetadata lists labels and annotations Flagger leaves alone.
type UnmanagedMetadata struct {
	// +optional
	Annotations []string `json:"annotations,omitempty"`
	// +optional
	Labels []string `json:"labels,omitempty"`
}

// CanaryAnalysis is how the canary is judged and how traffic moves.
type CanaryAnalysis struct {
	// Interval between analysis ticks (default 60s, never below 10s).
	// +optional
	Interval string `json:"interval,omitempty"`
	// Iterations selects blue/green (or A/B with match).
	// +optional
	Iterations int `json:"iterations,omitempty"`
	// +optional
	Mirror bool `json:"mirror,omitempty"`
	// +optional
	MirrorWeight int `json:"mirrorWeight,omitempty"`
	// +optional
	MaxWeight int `json:"maxWeight,omitempty"`
	// +optional
	StepWeight int `json:"stepWeight,omitempty"`
	// +optional
	StepWeights []int `json:"stepWeights,omitempty"`
	// +optional
	StepWeightPromotion int `json:"stepWeightPromotion,omitempty"`
	// Threshold is the number of failed checks before rollback (default 1).
	// +optional
	Threshold int `json:"threshold,omitempty"`
	// +optional
	PrimaryReadyThreshold *int `json:"primaryReadyThreshold,omitempty"`
	// +optional
	CanaryReadyThreshold *int `json:"canaryReadyThreshold,omitempty"`
	// +optional
	Alerts []CanaryAlert `json:"alerts,omitempty"`
	// +optional
	Metrics []CanaryMetric `json:"metrics,omitempty"`
	// +optional
	Webhooks []CanaryWebhook `json:"webhooks,omitempty"`
	// Match holds the A/B conditions.
	// +optional
	Match []HTTPMatchRequest `json:"match,omitempty"`
	// +optional
	SessionAffinity *SessionAffinity `json:"sessionAffinity,omitempty"`
}

// SessionAffinity pins a user to the canary by cookie.
type SessionAffinity struct {
	// +optional
	CookieName string `json:"cookieName,omitempty"`
	// +optional
	Domain string `json:"domain,omitempty"`
	// +optional
	HttpOnly bool `json:"httpOnly,omitempty"`
	// +optional
	MaxAge int `json:"maxAge,omitempty"`
	// +optional
	Partitioned bool `json:"partitioned,omitempty"`
	// +optional
	Path string `json:"path,omitempty"`
	// +optional
	SameSite string `json:"sameSite,omitempty"`
	// +optional
	Secure bool `json:"secure,omitempty"`
	// +optional
	PrimaryCookieName string `json:"primaryCookieName,omitempty"`
}

// HTTPMatchRequest is an Istio-style request match, used for A/B routing.
type HTTPMatchRequest struct {
	// +optional
	Name string `json:"name,omitempty"`
	// +optional
	URI *StringMatch `json:"uri,omitempty"`
	// +optional
	Scheme *StringMatch `json:"scheme,omitempty"`
	// +optional
	Method *StringMatch `json:"method,omitempty"`
	// +optional
	Authority *StringMatch `json:"authority,omitempty"`
	// +optional
	Headers map[string]StringMatch `json:"headers,omitempty"`
	// +optional
	Port uint32 `json:"port,omitempty"`
	// +optional
	SourceLabels map[string]string `json:"sourceLabels,omitempty"`
	// +optional
	Gateways []string `json:"gateways,omitempty"`
	// +optional
	QueryParams map[string]StringMatch `json:"queryParams,omitempty"`
	// +optional
	IgnoreURICase bool `json:"ignoreUriCase,omitempty"`
	// +optional
	WithoutHeaders map[string]StringMatch `json:"withoutHeaders,omitempty"`
	// +optional
	SourceNamespace string `json:"sourceNamespace,omitempty"`
}

// StringMatch matches a string exactly, by prefix, by suffix or by regular expression.
type StringMatch struct {
	// +optional
	Exact string `json:"exact,omitempty"`
	// +optional
	Prefix string `json:"prefix,omitempty"`
	// +optional
	Suffix string `json:"suffix,omitempty"`
	// +optional
	Regex string `json:"regex,omitempty"`
}

// HTTPRewrite rewrites the URI or authority of routed requests.
type HTTPRewrite struct {
	// +optional
	URI string `json:"uri,omitempty"`
	// +optional
	Authority string `json:"authority,omitempty"`
	// +optional
	Type string `json:"type,omitempty"`
}

// CanaryMetric is one check of the analysis.
type CanaryMetric struct {
	Name string `json:"name"`
	// Interval is the range of the query (default 1m).
	// +optional
	Interval string `json:"interval,omitempty"`
	// Threshold is deprecated: a minimum for request-success-rate, a maximum otherwise.
	// +optional
	Threshold float64 `json:"threshold,omitempty"`
	// +optional
	ThresholdRange *CanaryThresholdRange `json:"thresholdRange,omitempty"`
	// Query is a deprecated inline PromQL query.
	// +optional
	Query string `json:"query,omitempty"`
	// +optional
	TemplateRef *CrossNamespaceObjectReference `json:"templateRef,omitempty"`
	// +optional
	TemplateVariables map[string]string `json:"templateVariables,omitempty"`
}

// CanaryThresholdRange holds inclusive bounds for a metric's value.
type CanaryThresholdRange struct {
	// +optional
	Min *float64 `json:"min,omitempty"`
	// +optional
	Max *float64 `json:"max,omitempty"`
}

// AlertSeverity filters which alerts an alert provider receives.
type AlertSeverity string

// Alert severities, in Flagger's words.
const (
	SeverityInfo  AlertSeverity = "info"
	SeverityWarn  AlertSeverity = "warn"
	SeverityError AlertSeverity = "error"
)

// CanaryAlert sends the canary's events to an AlertProvider.
type CanaryAlert struct {
	Name string `json:"name"`
	// +optional
	Severity    AlertSeverity                 `json:"severity,omitempty"`
	ProviderRef CrossNamespaceObjectReference `json:"providerRef"`
}

// HookType names when a webhook is called.
type HookType string

// The webhook types Flagger knows. An empty type means rollout.
const (
	RolloutHook                HookType = "rollout"
	PreRolloutHook             HookType = "pre-rollout"
	PostRolloutHook            HookType = "post-rollout"
	ConfirmRolloutHook         HookType = "confirm-rollout"
	ConfirmPromotionHook       HookType = "confirm-promotion"
	ConfirmTrafficIncreaseHook HookType = "confirm-traffic-increase"
	EventHook                  HookType = "event"
	RollbackHook               HookType = "rollback"
)

// HookTypes lists every valid webhook type, for validation and linting.
var HookTypes = []HookType{RolloutHook, PreRolloutHook, PostRolloutHook, ConfirmRolloutHook,
	ConfirmPromotionHook, ConfirmTrafficIncreaseHook, EventHook, RollbackHook}

// CanaryWebhook is an external check or gate called during the analysis.
type CanaryWebhook struct {
	// +optional
	// +kubebuilder:validation:Enum="";rollout;pre-rollout;post-rollout;confirm-rollout;confirm-promotion;confirm-traffic-increase;event;rollback
	Type HookType `json:"type,omitempty"`
	Name string   `json:"name"`
	URL  string   `json:"url"`
	// +optional
	MuteAlert bool `json:"muteAlert,omitempty"`
	// Timeout of one call (default 10s).
	// +optional
	Timeout string `json:"timeout,omitempty"`
	// +optional
	Metadata *map[string]string `json:"metadata,omitempty"`
	// +optional
	Retries int `json:"retries,omitempty"`
	// +optional
	DisableTLS bool `json:"disableTLS,omitempty"`
}

// CanaryWebhookPayload is the JSON body Flagger posts to a webhook.
type CanaryWebhookPayload struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Phase     CanaryPhase       `json:"phase"`
	Checksum  string            `json:"checksum"`
	Metadata  map[string]string `json:"metadata,omitempty"`
}

// LocalObjectReference names an object in the Canary's namespace.
type LocalObjectReference struct {
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`
	// +optional
	Kind string `json:"kind,omitempty"`
	Name string `json:"name"`
}

// KnativeServiceAPIVersion is the apiVersion of a Knative Service target.
const KnativeServiceAPIVersion = "serving.knative.dev/v1"

// IsKnativeService says whether the reference names a Knative Service, as
// Flagger tells one from a Kubernetes Service: by kind and apiVersion.
func (r LocalObjectReference) IsKnativeService() bool {
	return r.Kind == "Service" && r.APIVersion == KnativeServiceAPIVersion
}

// CrossNamespaceObjectReference names an object, possibly in another namespace.
type CrossNamespaceObjectReference struct {
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`
	// +optional
	Kind string `json:"kind,omitempty"`
	Name string `json:"name"`
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// AutoscalerReference names the HPA or ScaledObject of the target.
type AutoscalerReference struct {
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`
	// +optional
	Kind string `json:"kind,omitempty"`
	Name string `json:"name"`
	// +optional
	PrimaryScalerQueries map[string]string `json:"primaryScalerQueries,omitempty"`
	// +optional
	PrimaryScalerReplicas *ScalerReplicas `json:"primaryScalerReplicas,omitempty"`
}

// ScalerReplicas overrides the primary scaler's replica bounds.
type ScalerReplicas struct {
	// +optional
	MinReplicas *int32 `json:"minReplicas,omitempty"`
	// +optional
	MaxReplicas *int32 `json:"maxReplicas,omitempty"`
}

// CustomMetadata adds labels and annotations to generated objects.
type CustomMetadata struct {
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}
