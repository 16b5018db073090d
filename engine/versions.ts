/**
 * Every version the engine builds, in one place, with the reason for each choice. The only source
 * is the Go module proxy: a version it refuses cannot be built here, however real it is upstream.
 * Checked with `go list -m -versions` (and `go mod download` for untagged modules) on 30 Nov 2026.
 */

/** The Go the build needs: the highest `go` line among the modules below (pulumi pkg/v3 v3.274.1). */
export const MINIMUM_GO = "1.26.6";

export interface ModulePin {
    readonly module: string;
    readonly version: string;
    readonly why: string;
}

/**
 * The Pulumi CLI. package-lock pins @pulumi/pulumi 3.270.0, whose pkg/v3 the proxy does not serve;
 * the CLI is compatible with older SDKs, so the nearest release after it that the proxy serves
 * (v3.274.1, a patch release; v3.275.0 and v3.276.0 are newer still, with no reason to take them).
 */
export const PULUMI: ModulePin = {
    module: "github.com/pulumi/pulumi/pkg/v3",
    version: "v3.274.1",
    why: "the nearest release after the SDK's 3.270.0 that the proxy serves (3.270.0's pkg/v3 is refused)",
};

/** The SDK module at the CLI's own version: pkg/v3's go.mod replaces it with ../sdk. */
export const PULUMI_SDK: ModulePin = {
    module: "github.com/pulumi/pulumi/sdk/v3",
    version: PULUMI.version,
    why: "pkg/v3 builds against the sdk of its own release (its go.mod replaces sdk/v3 with ../sdk)",
};

/**
 * The Node.js language host: a module of its own with no tags, so only a pseudo-version of a
 * commit reaches it. The proxy refuses its version list and every pseudo-version tried (the
 * commits of v3.258.0 and v3.259.0); see docs/engine.md. Listed so the build can say so.
 */
export const PULUMI_LANGUAGE_NODEJS: ModulePin = {
    module: "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3",
    version: "v3.0.0-20260819165155-0ac56e876614",
    why: "the commit of v3.259.0, the newest release whose commit is known here; the proxy refuses it (403)",
};

/**
 * The newest sdk/v3 release whose module still carries the Node.js language host
 * (nodejs/cmd/pulumi-language-nodejs; later releases moved it into the module above, which the
 * proxy refuses): the host the build makes when no checkout is given. It speaks the language host
 * protocol of May 2023, and the v3.274.1 CLI runs the SDK's 3.270.0 programs through it (engine
 * tier: tests/engine), so CI needs nothing the proxy does not serve.
 */
export const SDK_WITH_LANGUAGE_HOST: ModulePin = {
    module: PULUMI_SDK.module,
    version: "v3.68.0",
    why: "the newest sdk/v3 the proxy serves whose module holds nodejs/cmd/pulumi-language-nodejs (v3.69.0 and later do not)",
};

/**
 * The language host built from a checkout's source instead (`build --language-host-source DIR`,
 * since the proxy refuses the module): the pkg/v3 and sdk/v3 release it builds against. v3.259.0's
 * host, the newest source known here, compiles with v3.260.0 (the next release the proxy serves);
 * against v3.274.1 it does not (the resource monitor gained ExistsResource, which it lacks).
 */
export const LANGUAGE_HOST_LIBRARIES: ModulePin = {
    module: PULUMI.module,
    version: "v3.260.0",
    why: "the nearest release after v3.259.0 the proxy serves; v3.259.0's host does not compile against v3.274.1",
};

/**
 * The Kubernetes provider. package-lock pins @pulumi/kubernetes 4.34.2, but provider/v4 exists only
 * as pseudo-versions and the proxy serves exactly one: f47bc2d6f199 of 15 January 2026 (between
 * v4.25.0 and v4.26.0). Plugins on PATH are used whatever their version, so this one serves the
 * 4.34.2 SDK; what changed in between is in the provider's CHANGELOG (mostly newer Kubernetes
 * schemas and Helm fixes, nothing in Deployment, Service or PodDisruptionBudget await logic).
 */
export const KUBERNETES_PROVIDER: ModulePin = {
    module: "github.com/pulumi/pulumi-kubernetes/provider/v4",
    version: "v4.0.0-20260115033456-f47bc2d6f199",
    why: "the only provider/v4 the proxy serves; v4.34.2's commit is not served (nor known: the repository snapshot ends at v4.32.0)",
};

/** The provider's go.mod replaces sdk/v4 with ../sdk; it needs the released module instead. */
export const KUBERNETES_PROVIDER_SDK: ModulePin = {
    module: "github.com/pulumi/pulumi-kubernetes/sdk/v4",
    version: "v4.24.0",
    why: "the version the provider's go.mod requires (and replaces with ../sdk); the proxy serves it",
};

/** The version the provider reports (its ldflag): the release its commit follows, marked as such. */
export const KUBERNETES_PROVIDER_REPORTED_VERSION = "4.25.0-alpha.f47bc2d6f199";

/**
 * The time provider (@pulumiverse/time 0.1.1, commit cafa3095accd). The proxy refuses its module
 * list and that commit, so it cannot be built here; the build says so and goes on.
 */
export const TIME_PROVIDER: ModulePin = {
    module: "github.com/pulumiverse/pulumi-time/provider",
    version: "cafa3095accd",
    why: "v0.1.1's commit; the proxy answers 403 for the module list and for the commit",
};

/**
 * Kubernetes 1.35 (upstream December 2025). AKS supports the newest GA minor and the two before it
 * (N-2), each for 12 months from its AKS GA (learn.microsoft.com's supported-kubernetes-versions;
 * the copies the search tool holds show no calendar rows for 1.35 onwards, so its dates are not
 * confirmed here): with 1.36 (April 2026) and 1.37 (August 2026) upstream, 1.35 is within N-2 in
 * November 2026, 1.34 may not be. v1.35.4 is the only 1.35 patch the proxy serves; the staging
 * modules (k8s.io/api, client-go, ...) are replaced by their v0.35.4 releases.
 */
export const KUBERNETES: ModulePin = {
    module: "k8s.io/kubernetes",
    version: "v1.35.4",
    why: "a minor within AKS's N-2 window in November 2026 (not confirmed against AKS's calendar here); the only 1.35 patch the proxy serves",
};

/** The storage behind the API server: kine on SQLite, pure Go (Debian's etcd 3.4.23 is too old for 1.35). */
export const KINE: ModulePin = {
    module: "github.com/k3s-io/kine",
    version: "v0.17.5",
    why: "the newest kine the proxy serves; its SQLite driver is pure Go without cgo",
};

/** kwok: nodes and pod lifecycles without kubelets. */
export const KWOK: ModulePin = {
    module: "sigs.k8s.io/kwok",
    version: "v0.8.0",
    why: "the newest kwok the proxy serves",
};
