extension OpenAPIDocument {
    /// Tickets: create, list, get, change, reopen, acknowledge, comments, diagnostics, history.
    static let ticketPaths = #"""
  /api/v1/tickets:
    post:
      operationId: createTicket
      summary: Open a ticket (dispatcher, admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/TicketInput"}}}
      responses:
        "201": {description: Created, headers: {Location: {$ref: "#/components/headers/Location"}}, content: {application/json: {schema: {$ref: "#/components/schemas/Ticket"}}}}
\#(errors(400, 401, 403, 413, 415, 422))
    get:
      operationId: listTickets
      summary: List tickets, newest first
      parameters:
        - {$ref: "#/components/parameters/Limit"}
        - {$ref: "#/components/parameters/Cursor"}
        - name: status
          in: query
          description: One or more statuses, comma-separated.
          schema: {type: string}
        - {name: severity, in: query, schema: {type: integer, minimum: 1, maximum: 4}}
        - {name: tier, in: query, schema: {type: integer, minimum: 1, maximum: 3}}
        - {name: assigneeId, in: query, schema: {$ref: "#/components/schemas/Id"}}
        - {name: customerId, in: query, schema: {$ref: "#/components/schemas/Id"}}
        - {name: hostId, in: query, schema: {$ref: "#/components/schemas/Id"}}
        - {name: onsite, in: query, schema: {type: string, enum: ["true", "false"]}}
        - {name: q, in: query, description: "Text in the title, case-insensitive.", schema: {type: string}}
      responses:
        "200": {description: A page, content: {application/json: {schema: {$ref: "#/components/schemas/TicketPage"}}}}
\#(errors(400, 401, 403))
  /api/v1/tickets/{id}:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: getTicket
      summary: One ticket
      responses:
        "200": {description: The ticket, content: {application/json: {schema: {$ref: "#/components/schemas/Ticket"}}}}
\#(errors(400, 401, 403, 404))
    patch:
      operationId: updateTicket
      summary: Change a ticket; each change is an event. Technicians only on their own tickets.
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/TicketPatch"}}}
      responses:
        "200": {description: The ticket after the change, content: {application/json: {schema: {$ref: "#/components/schemas/Ticket"}}}}
\#(errors(400, 401, 403, 404, 409, 413, 415, 422))
  /api/v1/tickets/{id}/reopen:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: reopenTicket
      summary: Bring a resolved or closed ticket back to work
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/ReopenInput"}}}
      responses:
        "200": {description: The reopened ticket, content: {application/json: {schema: {$ref: "#/components/schemas/Ticket"}}}}
\#(errors(400, 401, 403, 404, 409, 413, 415, 422))
  /api/v1/tickets/{id}/acknowledge:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: acknowledgeTicket
      summary: Acknowledge a ticket — the first response, when none was given yet; a repeat changes nothing
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      responses:
        "200": {description: The ticket, content: {application/json: {schema: {$ref: "#/components/schemas/Ticket"}}}}
\#(errors(400, 401, 403, 404, 409, 422))
  /api/v1/tickets/{id}/comments:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: commentTicket
      summary: Add a public reply or an internal note
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/CommentInput"}}}
      responses:
        "201": {description: The comment event, content: {application/json: {schema: {$ref: "#/components/schemas/TicketEvent"}}}}
\#(errors(400, 401, 403, 404, 413, 415, 422))
  /api/v1/tickets/{id}/diagnostics:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: attachDiagnostic
      summary: "Attach a diagnosis (triage-agent's report) to a ticket, once per report id. Agent tokens only for tickets about their host and reports about it. Its recommendation acts at once when the poster may change the ticket (desk, assignee, the host's agent); anyone else's waits to be applied."
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/DiagnosticReport"}}}
      responses:
        "201": {description: Attached, content: {application/json: {schema: {$ref: "#/components/schemas/Diagnostic"}}}}
        "409": {description: "The report id is attached to another ticket, or the ticket holds maxDiagnosticsPerTicket diagnoses already", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "200": {description: "This report id was attached before; the stored one, nothing changed", content: {application/json: {schema: {$ref: "#/components/schemas/Diagnostic"}}}}
\#(errors(400, 401, 403, 404, 413, 415, 422))
    get:
      operationId: ticketDiagnostics
      summary: The diagnoses attached to a ticket, in the order received, a page at a time
      parameters: [{$ref: "#/components/parameters/Limit"}, {$ref: "#/components/parameters/Cursor"}]
      responses:
        "200":
          description: The diagnoses
          content:
            application/json:
              schema: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Diagnostic"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
\#(errors(400, 401, 403, 404))
  /api/v1/tickets/{id}/diagnostics/{reportId}/apply:
    parameters:
      - {$ref: "#/components/parameters/Id"}
      - {name: reportId, in: path, required: true, schema: {type: string, format: uuid}}
    post:
      operationId: applyDiagnostic
      summary: "Let a diagnosis that was attached as information act on the ticket (flag, escalate, add skills, reassign), once; by a dispatcher, an admin or the assignee"
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      responses:
        "200": {description: Applied, content: {application/json: {schema: {$ref: "#/components/schemas/Diagnostic"}}}}
\#(errors(400, 401, 403, 404, 409, 413, 415, 422))
  /api/v1/tickets/{id}/events:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: ticketEvents
      summary: A ticket's history, oldest first
      parameters: [{$ref: "#/components/parameters/Limit"}, {$ref: "#/components/parameters/Cursor"}]
      responses:
        "200": {description: A page, content: {application/json: {schema: {$ref: "#/components/schemas/EventPage"}}}}
\#(errors(400, 401, 403, 404))
"""#
}
