import TriageDomain
import TriageEdge

/// The API's OpenAPI 3.1 description (`openapi.yaml` beside this file, compiled into the
/// binary), served at /api/v1/openapi.yaml. Tests compare its paths with the router's routes
/// and its event kinds with `EventKind`; schemathesis in CI checks live answers against it.
enum OpenAPIDocument {
    static let yaml = String(decoding: PackageResources.openapi_yaml, as: UTF8.self)
}
