/// The API's OpenAPI 3.1 description, served at /api/v1/openapi.yaml. A test compares its
/// paths with the router's routes; schemathesis in CI checks live answers against it.
/// Assembled from parts: operations routes here, then inventory, tickets, components, schemas.
enum OpenAPIDocument {
    static let yaml = [header, inventoryPaths, ticketPaths, escalationPaths, healthPaths, visitPaths, components, schemas, escalationSchemas, healthSchemas, visitSchemas].joined(separator: "\n")

    /// The error answers an operation can give, as `responses` entries (the components say what each means).
    static func errors(_ codes: Int...) -> String {
        let names = [400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
                     413: "TooLarge", 415: "UnsupportedMediaType", 422: "Invalid"]
        return codes.map { ##"        "\##($0)": {$ref: "#/components/responses/\##(names[$0]!)"}"## }.joined(separator: "\n")
    }

    /// Info, security and the routes outside the resources: /healthz, /metrics, this document.
    private static let header = #"""
openapi: 3.1.0
info:
  title: Triage coordinator API
  version: 0.1.0
  description: |
    Tickets, inventory and history of the Triage coordinator. JSON is camelCase, times are
    ISO-8601 UTC, ticket ids are integers. Every error is {"error": {"code", "message"}}.
    Writes accept an Idempotency-Key header: a retry with the same key and request returns
    the first answer (with Idempotent-Replayed: true) and changes nothing twice.
    Request bodies refuse unknown fields (422).
servers:
  - url: /
security:
  - bearer: []
paths:
  /healthz:
    get:
      operationId: health
      summary: Liveness and database check
      security: []
      responses:
        "200":
          description: The coordinator answers and its store is readable.
          content:
            application/json:
              schema:
                type: object
                required: [status]
                properties:
                  status: {const: ok}
  /metrics:
    get:
      operationId: metrics
      summary: Prometheus metrics
      security: []
      responses:
        "200":
          description: Requests by route and status, latency histogram, tickets by status.
          content:
            text/plain:
              schema: {type: string}
  /api/v1/openapi.yaml:
    get:
      operationId: openapi
      summary: This document
      security: []
      responses:
        "200":
          description: The OpenAPI document.
          content:
            application/yaml:
              schema: {type: string}
"""#
}
