extension OpenAPIDocument {
    /// Security, headers, parameters, request bodies and the error answers every route shares.
    static let components = [componentsHead, "  requestBodies:", inventoryRequestBodies, responses].joined(separator: "\n")

    private static let componentsHead = #"""
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
      description: A token from `triage token create`; the first admin token is printed by the first `triage serve`.
  headers:
    Location:
      description: Path of the created resource.
      schema: {type: string}
  parameters:
    Id:
      name: id
      in: path
      required: true
      schema: {$ref: "#/components/schemas/Id"}
    Limit:
      name: limit
      in: query
      description: Page size, 1 to 200 (default 50).
      schema: {type: integer, minimum: 1, maximum: 200}
    Cursor:
      name: cursor
      in: query
      description: The nextCursor of the previous page.
      schema: {type: string}
    IdempotencyKey:
      name: Idempotency-Key
      in: header
      description: Makes a retried write return the first answer instead of acting twice.
      schema: {type: string, minLength: 1, maxLength: 255}
"""#

    private static let responses = #"""
  responses:
    BadRequest:
      description: Not JSON, or a bad query or path parameter.
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    Unauthorized:
      description: No bearer token, or an unknown or revoked one.
      headers: {WWW-Authenticate: {schema: {type: string}}}
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    Forbidden:
      description: The token's role may not do this.
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    NotFound:
      description: No such record.
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    Conflict:
      description: The current state forbids it (a bad status transition, a record still in use).
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    TooLarge:
      description: The body is over the size limit (1 MiB by default).
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    UnsupportedMediaType:
      description: The body is not application/json.
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    Invalid:
      description: A field is missing, unknown, of the wrong type or out of range; or an Idempotency-Key was reused for another request.
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
"""#
}
