import TriageDomain

/// The router's routes as path templates, to tell "no such path" (404) from "not this
/// method" (405 with Allow). Filled once after the routes are registered, before serving.
package final class RouteTable: @unchecked Sendable {
    // Written only by `fill`, which runs before the server accepts a request; read-only after.
    private var routes: [(method: String, segments: [Substring])] = []

    package init() {}

    package func fill(_ routes: [(method: String, path: String)]) {
        self.routes = routes.map { ($0.method, $0.path.split(separator: "/")) }
    }

    package func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/")
        let matching = routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        return Array(Set(matching.map(\.method))).sorted()
    }
}
