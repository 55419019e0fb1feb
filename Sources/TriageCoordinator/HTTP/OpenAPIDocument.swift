/// The API's OpenAPI 3.1 description, served at /api/v1/openapi.yaml. A test compares its
/// paths with the router's routes; schemathesis in CI checks live answers against it.
enum OpenAPIDocument {
    static let yaml = #"""
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
  /api/v1/customers:
    post:
      operationId: createCustomer
      summary: Create a customer (admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody: {$ref: "#/components/requestBodies/CustomerInput"}
      responses:
        "201": {description: Created, headers: {Location: {$ref: "#/components/headers/Location"}}, content: {application/json: {schema: {$ref: "#/components/schemas/Customer"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
    get:
      operationId: listCustomers
      summary: List customers in id order
      parameters: [{$ref: "#/components/parameters/Limit"}, {$ref: "#/components/parameters/Cursor"}]
      responses:
        "200": {description: A page, content: {application/json: {schema: {$ref: "#/components/schemas/CustomerPage"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
  /api/v1/customers/{id}:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: getCustomer
      summary: One customer
      responses:
        "200": {description: The customer, content: {application/json: {schema: {$ref: "#/components/schemas/Customer"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
    put:
      operationId: replaceCustomer
      summary: Replace a customer's fields (admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody: {$ref: "#/components/requestBodies/CustomerInput"}
      responses:
        "200": {description: Replaced, content: {application/json: {schema: {$ref: "#/components/schemas/Customer"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
    delete:
      operationId: deleteCustomer
      summary: Delete a customer without sites or tickets (admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      responses:
        "204": {description: Deleted}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "409": {$ref: "#/components/responses/Conflict"}
        "422": {$ref: "#/components/responses/Invalid"}
  /api/v1/sites:
    post:
      operationId: createSite
      summary: Create a site of a customer (admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody: {$ref: "#/components/requestBodies/SiteInput"}
      responses:
        "201": {description: Created, headers: {Location: {$ref: "#/components/headers/Location"}}, content: {application/json: {schema: {$ref: "#/components/schemas/Site"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
    get:
      operationId: listSites
      summary: List sites in id order
      parameters: [{$ref: "#/components/parameters/Limit"}, {$ref: "#/components/parameters/Cursor"}]
      responses:
        "200": {description: A page, content: {application/json: {schema: {$ref: "#/components/schemas/SitePage"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
  /api/v1/sites/{id}:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: getSite
      summary: One site
      responses:
        "200": {description: The site, content: {application/json: {schema: {$ref: "#/components/schemas/Site"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
    put:
      operationId: replaceSite
      summary: Replace a site's fields (admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody: {$ref: "#/components/requestBodies/SiteInput"}
      responses:
        "200": {description: Replaced, content: {application/json: {schema: {$ref: "#/components/schemas/Site"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
    delete:
      operationId: deleteSite
      summary: Delete a site without hosts or visits (admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      responses:
        "204": {description: Deleted}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "409": {$ref: "#/components/responses/Conflict"}
        "422": {$ref: "#/components/responses/Invalid"}
  /api/v1/hosts:
    post:
      operationId: createHost
      summary: Create a host at a site (admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody: {$ref: "#/components/requestBodies/HostInput"}
      responses:
        "201": {description: Created, headers: {Location: {$ref: "#/components/headers/Location"}}, content: {application/json: {schema: {$ref: "#/components/schemas/Host"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
    get:
      operationId: listHosts
      summary: List hosts in id order
      parameters: [{$ref: "#/components/parameters/Limit"}, {$ref: "#/components/parameters/Cursor"}]
      responses:
        "200": {description: A page, content: {application/json: {schema: {$ref: "#/components/schemas/HostPage"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
  /api/v1/hosts/{id}:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: getHost
      summary: One host
      responses:
        "200": {description: The host, content: {application/json: {schema: {$ref: "#/components/schemas/Host"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
    put:
      operationId: replaceHost
      summary: Replace a host's fields (admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody: {$ref: "#/components/requestBodies/HostInput"}
      responses:
        "200": {description: Replaced, content: {application/json: {schema: {$ref: "#/components/schemas/Host"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
    delete:
      operationId: deleteHost
      summary: Delete a host without tickets or agent tokens (admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      responses:
        "204": {description: Deleted}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "409": {$ref: "#/components/responses/Conflict"}
        "422": {$ref: "#/components/responses/Invalid"}
  /api/v1/technicians:
    post:
      operationId: createTechnician
      summary: Create a technician (admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody: {$ref: "#/components/requestBodies/TechnicianInput"}
      responses:
        "201": {description: Created, headers: {Location: {$ref: "#/components/headers/Location"}}, content: {application/json: {schema: {$ref: "#/components/schemas/Technician"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
    get:
      operationId: listTechnicians
      summary: List technicians in id order
      parameters: [{$ref: "#/components/parameters/Limit"}, {$ref: "#/components/parameters/Cursor"}]
      responses:
        "200": {description: A page, content: {application/json: {schema: {$ref: "#/components/schemas/TechnicianPage"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
  /api/v1/technicians/{id}:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: getTechnician
      summary: One technician
      responses:
        "200": {description: The technician, content: {application/json: {schema: {$ref: "#/components/schemas/Technician"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
    put:
      operationId: replaceTechnician
      summary: Replace a technician's fields (admin)
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody: {$ref: "#/components/requestBodies/TechnicianInput"}
      responses:
        "200": {description: Replaced, content: {application/json: {schema: {$ref: "#/components/schemas/Technician"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
    delete:
      operationId: deleteTechnician
      summary: Delete a technician with no tickets, visits or tokens (admin); otherwise set active to false
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      responses:
        "204": {description: Deleted}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "409": {$ref: "#/components/responses/Conflict"}
        "422": {$ref: "#/components/responses/Invalid"}
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
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
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
        - {name: q, in: query, description: Text in the title, case-insensitive., schema: {type: string}}
      responses:
        "200": {description: A page, content: {application/json: {schema: {$ref: "#/components/schemas/TicketPage"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
  /api/v1/tickets/{id}:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: getTicket
      summary: One ticket
      responses:
        "200": {description: The ticket, content: {application/json: {schema: {$ref: "#/components/schemas/Ticket"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
    patch:
      operationId: updateTicket
      summary: Change a ticket; each change is an event. Technicians only on their own tickets.
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/TicketPatch"}}}
      responses:
        "200": {description: The ticket after the change, content: {application/json: {schema: {$ref: "#/components/schemas/Ticket"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "409": {$ref: "#/components/responses/Conflict"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
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
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "409": {$ref: "#/components/responses/Conflict"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
  /api/v1/tickets/{id}/acknowledge:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: acknowledgeTicket
      summary: Acknowledge a ticket — the first response, when none was given yet; a repeat changes nothing
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      responses:
        "200": {description: The ticket, content: {application/json: {schema: {$ref: "#/components/schemas/Ticket"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "409": {$ref: "#/components/responses/Conflict"}
        "422": {$ref: "#/components/responses/Invalid"}
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
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
  /api/v1/tickets/{id}/diagnostics:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: attachDiagnostic
      summary: Attach a diagnosis (triage-agent's report) to a ticket, once per report id. Agent tokens only for tickets about their host.
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/DiagnosticReport"}}}
      responses:
        "201": {description: Attached, content: {application/json: {schema: {$ref: "#/components/schemas/Diagnostic"}}}}
        "200": {description: This report id was attached before; the stored one, nothing changed, content: {application/json: {schema: {$ref: "#/components/schemas/Diagnostic"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "409": {$ref: "#/components/responses/Conflict"}
        "413": {$ref: "#/components/responses/TooLarge"}
        "415": {$ref: "#/components/responses/UnsupportedMediaType"}
        "422": {$ref: "#/components/responses/Invalid"}
    get:
      operationId: ticketDiagnostics
      summary: The diagnoses attached to a ticket, in the order received
      responses:
        "200":
          description: The diagnoses
          content:
            application/json:
              schema: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Diagnostic"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
  /api/v1/tickets/{id}/events:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: ticketEvents
      summary: A ticket's history, oldest first
      parameters: [{$ref: "#/components/parameters/Limit"}, {$ref: "#/components/parameters/Cursor"}]
      responses:
        "200": {description: A page, content: {application/json: {schema: {$ref: "#/components/schemas/EventPage"}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
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
  requestBodies:
    CustomerInput:
      required: true
      content: {application/json: {schema: {$ref: "#/components/schemas/CustomerInput"}}}
    SiteInput:
      required: true
      content: {application/json: {schema: {$ref: "#/components/schemas/SiteInput"}}}
    HostInput:
      required: true
      content: {application/json: {schema: {$ref: "#/components/schemas/HostInput"}}}
    TechnicianInput:
      required: true
      content: {application/json: {schema: {$ref: "#/components/schemas/TechnicianInput"}}}
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
  schemas:
    Id: {type: integer, minimum: 1, maximum: 9223372036854775807}
    Time: {type: string, format: date-time}
    Name: {type: string, minLength: 1, maxLength: 200, pattern: "\\S"}
    Tags:
      type: array
      maxItems: 50
      items: {type: string, minLength: 1, maxLength: 64, pattern: "^[^\\s]+$"}
    Weekday: {type: integer, minimum: 1, maximum: 7, description: "ISO weekday: 1 = Monday … 7 = Sunday"}
    ClockTime: {type: string, pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$", description: "HH:MM"}
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [code, message]
          properties:
            code: {type: string}
            message: {type: string}
    Stored:
      type: object
      required: [id, createdAt, updatedAt]
      properties:
        id: {$ref: "#/components/schemas/Id"}
        createdAt: {$ref: "#/components/schemas/Time"}
        updatedAt: {$ref: "#/components/schemas/Time"}
    CustomerInput:
      type: object
      additionalProperties: false
      required: [name]
      properties:
        name: {$ref: "#/components/schemas/Name"}
        contactEmail: {type: string, maxLength: 200}
        contactPhone: {type: string, maxLength: 50}
        notes: {type: string, maxLength: 10000}
    Customer:
      allOf: [{$ref: "#/components/schemas/Stored"}, {$ref: "#/components/schemas/CustomerFields"}]
    CustomerFields:
      type: object
      required: [name]
      properties:
        name: {type: string}
        contactEmail: {type: string}
        contactPhone: {type: string}
        notes: {type: string}
    SiteInput:
      type: object
      additionalProperties: false
      required: [customerId, name]
      properties:
        customerId: {$ref: "#/components/schemas/Id"}
        name: {$ref: "#/components/schemas/Name"}
        address: {type: string, maxLength: 500}
        region: {type: string, maxLength: 64}
        latitude: {type: number, minimum: -90, maximum: 90}
        longitude: {type: number, minimum: -180, maximum: 180}
        timeZone: {type: string, description: "IANA time zone, default UTC", examples: [Europe/Berlin]}
        openingHours:
          type: array
          items: {$ref: "#/components/schemas/OpeningHours"}
    OpeningHours:
      type: object
      additionalProperties: false
      required: [weekday, opens, closes]
      properties:
        weekday: {$ref: "#/components/schemas/Weekday"}
        opens: {$ref: "#/components/schemas/ClockTime"}
        closes: {$ref: "#/components/schemas/ClockTime"}
    Site:
      allOf:
        - {$ref: "#/components/schemas/Stored"}
        - type: object
          required: [customerId, name, timeZone, openingHours]
          properties:
            customerId: {$ref: "#/components/schemas/Id"}
            name: {type: string}
            address: {type: string}
            region: {type: string}
            latitude: {type: number}
            longitude: {type: number}
            timeZone: {type: string}
            openingHours: {type: array, items: {$ref: "#/components/schemas/OpeningHours"}}
    HostInput:
      type: object
      additionalProperties: false
      required: [siteId, name]
      properties:
        siteId: {$ref: "#/components/schemas/Id"}
        name: {$ref: "#/components/schemas/Name"}
        address: {type: string, maxLength: 255, description: "SSH target: user@host:port or an ssh_config alias"}
        tags: {$ref: "#/components/schemas/Tags"}
        criticality: {$ref: "#/components/schemas/Criticality"}
        vendorServices: {type: array, items: {$ref: "#/components/schemas/VendorService"}}
        pluginParams:
          type: object
          description: plugin → parameter → value
          additionalProperties: {type: object, additionalProperties: {type: string}}
    Criticality: {type: string, enum: [low, normal, high, critical]}
    VendorService:
      type: object
      additionalProperties: false
      required: [service, vendor]
      properties:
        service: {$ref: "#/components/schemas/Name"}
        vendor: {$ref: "#/components/schemas/Name"}
    Host:
      allOf:
        - {$ref: "#/components/schemas/Stored"}
        - type: object
          required: [siteId, name, tags, criticality, vendorServices, pluginParams]
          properties:
            siteId: {$ref: "#/components/schemas/Id"}
            name: {type: string}
            address: {type: string}
            tags: {type: array, items: {type: string}}
            criticality: {$ref: "#/components/schemas/Criticality"}
            vendorServices: {type: array, items: {$ref: "#/components/schemas/VendorService"}}
            pluginParams: {type: object, additionalProperties: {type: object, additionalProperties: {type: string}}}
    TechnicianInput:
      type: object
      additionalProperties: false
      required: [name]
      properties:
        name: {$ref: "#/components/schemas/Name"}
        email: {type: string, maxLength: 200}
        tier: {type: integer, minimum: 1, maximum: 3, default: 1}
        skills: {$ref: "#/components/schemas/Tags"}
        region: {type: string, maxLength: 64}
        timeZone: {type: string, description: "IANA time zone, default UTC"}
        shifts: {type: array, maxItems: 100, items: {$ref: "#/components/schemas/Shift"}}
        absences: {type: array, maxItems: 1000, items: {$ref: "#/components/schemas/Absence"}}
        maxLoad: {type: integer, minimum: 0, maximum: 1000, default: 16}
        active: {type: boolean, default: true}
    Shift:
      type: object
      additionalProperties: false
      required: [weekday, start, end]
      properties:
        weekday: {$ref: "#/components/schemas/Weekday"}
        start: {$ref: "#/components/schemas/ClockTime"}
        end: {$ref: "#/components/schemas/ClockTime"}
    Absence:
      type: object
      additionalProperties: false
      required: [from, to]
      properties:
        from: {$ref: "#/components/schemas/Time"}
        to: {$ref: "#/components/schemas/Time"}
        reason: {type: string, maxLength: 200}
    Technician:
      allOf:
        - {$ref: "#/components/schemas/Stored"}
        - type: object
          required: [name, tier, skills, timeZone, shifts, absences, maxLoad, active]
          properties:
            name: {type: string}
            email: {type: string}
            tier: {type: integer, minimum: 1, maximum: 3}
            skills: {type: array, items: {type: string}}
            region: {type: string}
            timeZone: {type: string}
            shifts: {type: array, items: {$ref: "#/components/schemas/Shift"}}
            absences: {type: array, items: {$ref: "#/components/schemas/Absence"}}
            maxLoad: {type: integer}
            active: {type: boolean}
    Status: {type: string, enum: [new, assigned, in_progress, waiting_customer, waiting_vendor, resolved, closed]}
    TicketChannel: {type: string, enum: [phone, email, chat, portal, agent, api]}
    TicketInput:
      type: object
      additionalProperties: false
      required: [title]
      properties:
        title: {$ref: "#/components/schemas/Name"}
        description: {type: string, maxLength: 100000}
        severity: {type: integer, minimum: 1, maximum: 4, default: 3}
        tier: {type: integer, minimum: 1, maximum: 3, default: 1}
        channel: {$ref: "#/components/schemas/TicketChannel"}
        customerId: {$ref: "#/components/schemas/Id"}
        hostId: {$ref: "#/components/schemas/Id"}
        assigneeId: {$ref: "#/components/schemas/Id"}
        tags: {$ref: "#/components/schemas/Tags"}
        requiredSkills: {$ref: "#/components/schemas/Tags"}
    TicketPatch:
      type: object
      additionalProperties: false
      description: Absent fields stay; null unassigns or clears a reference. Resolved and closed tickets come back only through reopen.
      properties:
        title: {$ref: "#/components/schemas/Name"}
        description: {type: string, maxLength: 100000}
        severity: {type: integer, minimum: 1, maximum: 4}
        tier: {type: integer, minimum: 1, maximum: 3}
        status: {$ref: "#/components/schemas/Status"}
        assigneeId: {oneOf: [{$ref: "#/components/schemas/Id"}, {type: "null"}]}
        customerId: {oneOf: [{$ref: "#/components/schemas/Id"}, {type: "null"}]}
        hostId: {oneOf: [{$ref: "#/components/schemas/Id"}, {type: "null"}]}
        tags: {$ref: "#/components/schemas/Tags"}
        requiredSkills: {$ref: "#/components/schemas/Tags"}
    CommentInput:
      type: object
      additionalProperties: false
      required: [body]
      properties:
        body: {type: string, minLength: 1, maxLength: 100000, pattern: "\\S"}
        visibility: {type: string, enum: [public, internal], default: public}
    ReopenInput:
      type: object
      additionalProperties: false
      required: [reason]
      properties:
        reason: {type: string, minLength: 1, maxLength: 10000, pattern: "\\S"}
    Ticket:
      type: object
      required: [id, title, description, severity, tier, status, channel, tags, requiredSkills, responseDueAt,
                 resolveDueAt, responseWarnAt, resolveWarnAt, flags, createdBy, createdAt, updatedAt]
      properties:
        id: {$ref: "#/components/schemas/Id"}
        title: {type: string}
        description: {type: string}
        customerId: {$ref: "#/components/schemas/Id"}
        hostId: {$ref: "#/components/schemas/Id"}
        severity: {type: integer, minimum: 1, maximum: 4}
        tier: {type: integer, minimum: 1, maximum: 3}
        status: {$ref: "#/components/schemas/Status"}
        channel: {$ref: "#/components/schemas/TicketChannel"}
        assigneeId: {$ref: "#/components/schemas/Id"}
        tags: {type: array, items: {type: string}}
        requiredSkills: {type: array, items: {type: string}}
        responseDueAt: {$ref: "#/components/schemas/Time"}
        resolveDueAt: {$ref: "#/components/schemas/Time"}
        responseWarnAt: {$ref: "#/components/schemas/Time"}
        resolveWarnAt: {$ref: "#/components/schemas/Time"}
        firstResponseAt: {$ref: "#/components/schemas/Time"}
        resolvedAt: {$ref: "#/components/schemas/Time"}
        closedAt: {$ref: "#/components/schemas/Time"}
        flags:
          type: object
          required: [onsite, onsiteReasons]
          properties:
            onsite: {type: boolean}
            onsiteReasons: {type: array, items: {type: string}}
            vendorCase:
              type: object
              required: [vendor]
              properties:
                vendor: {type: string}
                externalRef: {type: string}
                status: {type: string}
                vendorSeverity: {type: string}
                vendorDueAt: {$ref: "#/components/schemas/Time"}
        dedupeKey: {type: string}
        createdBy: {type: string}
        createdAt: {$ref: "#/components/schemas/Time"}
        updatedAt: {$ref: "#/components/schemas/Time"}
    TicketEvent:
      type: object
      required: [id, ticketId, type, actor, at, data]
      properties:
        id: {$ref: "#/components/schemas/Id"}
        ticketId: {$ref: "#/components/schemas/Id"}
        type: {type: string, examples: [created, assigned, unassigned, status_changed, updated, comment, reopened]}
        actor: {type: string, description: "role:name of the token that acted"}
        at: {$ref: "#/components/schemas/Time"}
        data: {type: object}
    CheckStatus: {type: string, enum: [ok, warning, unknown, critical]}
    DiagnosticReport:
      type: object
      additionalProperties: false
      description: What `triage-agent diagnose --format json` prints.
      required: [id, host, startedAt, durationMs, agentVersion, status, checks, recommendation, errors]
      properties:
        id: {type: string, format: uuid}
        host: {$ref: "#/components/schemas/Name"}
        startedAt: {$ref: "#/components/schemas/Time"}
        durationMs: {type: integer, minimum: 0, maximum: 9223372036854775807}
        agentVersion: {type: string}
        status: {$ref: "#/components/schemas/CheckStatus"}
        checks:
          type: array
          maxItems: 10000
          items:
            type: object
            required: [plugin, item, status, summary, metrics, durationMs]
            properties:
              plugin: {type: string}
              item: {type: string}
              status: {$ref: "#/components/schemas/CheckStatus"}
              summary: {type: string}
              longOutput: {type: string}
              metrics:
                type: array
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    value: {type: number}
                    unit: {type: string}
                    warn: {type: string}
                    crit: {type: string}
                    min: {type: number}
                    max: {type: number}
              durationMs: {type: integer, minimum: -9223372036854775808, maximum: 9223372036854775807}
        recommendation:
          type: object
          required: [onsite, vendors, reasons]
          properties:
            onsite: {type: boolean}
            vendors: {type: array, items: {type: string}}
            tier: {type: integer, minimum: -9223372036854775808, maximum: 9223372036854775807}
            reasons:
              type: array
              items:
                type: object
                required: [plugin, item, flag, reason]
                properties:
                  plugin: {type: string}
                  item: {type: string}
                  flag: {type: string, enum: [onsite, vendor, tier]}
                  reason: {type: string}
                  vendor: {type: string}
                  tier: {type: integer, minimum: -9223372036854775808, maximum: 9223372036854775807}
        errors:
          type: array
          items:
            type: object
            required: [message]
            properties:
              plugin: {type: string}
              message: {type: string}
    Diagnostic:
      type: object
      required: [ticketId, postedBy, receivedAt, report]
      properties:
        ticketId: {$ref: "#/components/schemas/Id"}
        postedBy: {type: string}
        receivedAt: {$ref: "#/components/schemas/Time"}
        report: {$ref: "#/components/schemas/DiagnosticReport"}
    NextCursor: {type: [string, "null"]}
    CustomerPage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Customer"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
    SitePage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Site"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
    HostPage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Host"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
    TechnicianPage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Technician"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
    TicketPage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Ticket"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
    EventPage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/TicketEvent"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
"""#
}
