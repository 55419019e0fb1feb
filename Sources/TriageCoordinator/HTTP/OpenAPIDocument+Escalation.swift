extension OpenAPIDocument {
    /// Assignment by the rules, escalation, vendor cases and the notification feed.
    static let escalationPaths = #"""
  /api/v1/tickets/{id}/assign:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: assignTicket
      summary: Run assignment by the rules now (dispatcher, admin); the event says who, why and who came second
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      responses:
        "200": {description: "The ticket, assigned — or still unassigned, with an unassignable event saying why", content: {application/json: {schema: {$ref: "#/components/schemas/Ticket"}}}}
\#(errors(400, 401, 403, 404, 409, 413, 422))
  /api/v1/tickets/{id}/escalate:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: escalateTicket
      summary: One tier up and reassigned (to tier), or the lead notified (to lead). Tier 3 is the highest; beyond it only a vendor case.
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/EscalationInput"}}}
      responses:
        "200": {description: The ticket after the escalation, content: {application/json: {schema: {$ref: "#/components/schemas/Ticket"}}}}
\#(errors(400, 401, 403, 404, 409, 413, 415, 422))
  /api/v1/tickets/{id}/vendor-case:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: recordVendorCase
      summary: Open the ticket's vendor case (the ticket waits for the vendor) or record what changed in it; each is an event
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/VendorCaseInput"}}}
      responses:
        "200": {description: The ticket with its vendor case, content: {application/json: {schema: {$ref: "#/components/schemas/Ticket"}}}}
\#(errors(400, 401, 403, 404, 409, 413, 415, 422))
  /api/v1/notifications:
    get:
      operationId: listNotifications
      summary: The notification feed for the desk's leads (dispatcher, admin), oldest first — escalations to the lead, tickets nobody can take
      parameters: [{$ref: "#/components/parameters/Limit"}, {$ref: "#/components/parameters/Cursor"}]
      responses:
        "200": {description: A page, content: {application/json: {schema: {$ref: "#/components/schemas/NotificationPage"}}}}
\#(errors(400, 401, 403))
"""#

    static let escalationSchemas = #"""
    EscalationInput:
      type: object
      required: [to, reason]
      additionalProperties: false
      properties:
        to: {enum: [tier, lead]}
        reason: {type: string, minLength: 1, maxLength: 10000, pattern: "\\S"}
    VendorCaseInput:
      type: object
      required: [vendor]
      additionalProperties: false
      properties:
        vendor: {type: string, minLength: 1, maxLength: 200, pattern: "\\S"}
        externalRef: {type: string, minLength: 1, maxLength: 200, pattern: "\\S"}
        vendorSeverity: {type: string, minLength: 1, maxLength: 64, pattern: "\\S"}
        vendorDueAt: {$ref: "#/components/schemas/Time"}
        status: {type: string, minLength: 1, maxLength: 200, pattern: "\\S"}
    Notification:
      type: object
      required: [id, type, at, data]
      properties:
        id: {$ref: "#/components/schemas/Id"}
        type: {enum: [lead_escalation, unassignable]}
        ticketId: {$ref: "#/components/schemas/Id"}
        at: {$ref: "#/components/schemas/Time"}
        data: {type: object}
    NotificationPage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Notification"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
"""#
}
