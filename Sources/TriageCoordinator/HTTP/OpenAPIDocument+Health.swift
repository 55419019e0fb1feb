extension OpenAPIDocument {
    /// Push agents' health reports and the per-item state they drive.
    static let healthPaths = #"""
  /api/v1/reports:
    post:
      operationId: postHealthReport
      summary: "A report about one host, from its push agent (agent token) or a sweep (dispatcher or admin, with ?host); stored once per report id, it opens, updates, reopens or resolves tickets, and each event it causes names the report and who posted it"
      parameters:
        - {$ref: "#/components/parameters/IdempotencyKey"}
        - {name: interval, in: query, description: seconds between a push agent's reports (its silence is counted in these), schema: {type: integer, minimum: 1, maximum: 86400, default: 60}}
        - {name: host, in: query, description: "the host the report is about; required with a dispatcher's or admin's token (technicians may not post reports)", schema: {type: integer, minimum: 1}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/DiagnosticReport"}}}
      responses:
        "201": {description: Received; what it did, content: {application/json: {schema: {$ref: "#/components/schemas/HealthOutcome"}}}}
        "200": {description: This report id was received before; nothing was done again, content: {application/json: {schema: {$ref: "#/components/schemas/HealthOutcome"}}}}
\#(errors(400, 401, 403, 404, 413, 415, 422))
  /api/v1/hosts/{id}/reports:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: hostHealthReports
      summary: "The reports received about the host, newest first, a page at a time: at most limit reports and about 4 MiB of them (always at least one)"
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
        - {$ref: "#/components/parameters/Cursor"}
      responses:
        "200":
          description: The reports
          content:
            application/json:
              schema: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/ReceivedReport"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
\#(errors(400, 401, 403, 404))
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
    ReceivedReport:
      type: object
      required: [receivedAt, report]
      properties:
        receivedAt: {$ref: "#/components/schemas/Time"}
        postedBy: {type: string, description: "role:name of the token that posted it; absent for reports stored before this was recorded"}
        report: {$ref: "#/components/schemas/DiagnosticReport"}
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
