extension OpenAPIDocument {
    /// Push agents' health reports and the per-item state they drive.
    static let healthPaths = #"""
  /api/v1/reports:
    post:
      operationId: postHealthReport
      summary: A push agent's report about its own host (agent token); stored once per report id, it opens, updates, reopens or resolves tickets
      parameters:
        - {$ref: "#/components/parameters/IdempotencyKey"}
        - {name: interval, in: query, description: seconds between this agent's reports (silence is counted in these), schema: {type: integer, minimum: 10, maximum: 86400, default: 60}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/DiagnosticReport"}}}
      responses:
        "201": {description: Received; what it did, content: {application/json: {schema: {$ref: "#/components/schemas/HealthOutcome"}}}}
        "200": {description: This report id was received before; nothing was done again, content: {application/json: {schema: {$ref: "#/components/schemas/HealthOutcome"}}}}
\#(errors(400, 401, 403, 413, 415, 422))
  /api/v1/hosts/{id}/checks:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: hostCheckStates
      summary: Every (plugin, item) the host's agent reported, with its hysteresis, flapping and ticket
      responses:
        "200":
          description: The states
          content:
            application/json:
              schema: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/CheckState"}}}}
\#(errors(400, 401, 403, 404))
"""#

    static let healthSchemas = #"""
    HealthOutcome:
      type: object
      required: [reportId, accepted, opened, reopened, updated, resolved]
      properties:
        reportId: {type: string, format: uuid}
        accepted: {type: boolean, description: false when the report id was received before}
        opened: {type: array, items: {type: integer}}
        reopened: {type: array, items: {type: integer}}
        updated: {type: array, items: {type: integer}}
        resolved: {type: array, items: {type: integer}}
    CheckState:
      type: object
      required: [hostId, plugin, item, status, summary, problem, badStreak, okStreak, changes, flapping, updatedAt]
      properties:
        hostId: {type: integer}
        plugin: {type: string}
        item: {type: string}
        status: {$ref: "#/components/schemas/CheckStatus"}
        summary: {type: string}
        problem: {type: boolean, description: after hysteresis (health.openAfter non-OK reports in a row until health.clearAfter OK ones)}
        badStreak: {type: integer}
        okStreak: {type: integer}
        changes: {type: array, items: {$ref: "#/components/schemas/Time"}, description: changes between OK and not OK within the flap window}
        flapping: {type: boolean}
        ticketId: {type: integer}
        updatedAt: {$ref: "#/components/schemas/Time"}
"""#
}
