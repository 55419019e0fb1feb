extension OpenAPIDocument {
    /// Visit proposals, booking and the visit lifecycle.
    static let visitPaths = #"""
  /api/v1/tickets/{id}/visit-slots:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: proposeVisitSlots
      summary: The earliest feasible (technician, window) pairs for a visit to the ticket's site — inside shifts and opening hours, clear of other visits by the travel time, with the skills — ranked by start, travel, load; each says why it fits
      parameters:
        - {name: from, in: query, description: start of the search (default now), schema: {$ref: "#/components/schemas/Time"}}
        - {name: days, in: query, schema: {type: integer, minimum: 1, maximum: 31, default: 14}}
        - {name: duration, in: query, description: minutes on site, schema: {type: integer, minimum: 15, maximum: 720, default: 60}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 200, default: 20}}
      responses:
        "200":
          description: The proposals
          content:
            application/json:
              schema: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/VisitSlot"}}}}
\#(errors(400, 401, 403, 404, 422))
  /api/v1/visits:
    post:
      operationId: bookVisit
      summary: Book a visit (dispatcher, admin); every constraint is checked again in the same transaction, and a clash with another visit is a 409 naming it
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/VisitBooking"}}}
      responses:
        "201": {description: Booked, content: {application/json: {schema: {$ref: "#/components/schemas/Visit"}}}}
\#(errors(400, 401, 403, 404, 409, 413, 415, 422))
    get:
      operationId: listVisits
      summary: Visits by start; technicians see only their own
      parameters:
        - {name: technicianId, in: query, schema: {type: integer, minimum: 1}}
        - {name: ticketId, in: query, schema: {type: integer, minimum: 1}}
        - {name: from, in: query, schema: {$ref: "#/components/schemas/Time"}}
        - {name: to, in: query, schema: {$ref: "#/components/schemas/Time"}}
      responses:
        "200":
          description: The visits
          content:
            application/json:
              schema: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Visit"}}}}
\#(errors(400, 401, 403))
  /api/v1/visits/{id}:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: getVisit
      summary: One visit
      responses:
        "200": {description: The visit, content: {application/json: {schema: {$ref: "#/components/schemas/Visit"}}}}
\#(errors(400, 401, 403, 404))
  /api/v1/visits/{id}/status:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: changeVisitStatus
      summary: booked → en_route → on_site → done (with notes) by its technician or the desk; cancelled by the desk; each an event on the ticket
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/VisitStatusChange"}}}
      responses:
        "200": {description: The visit, content: {application/json: {schema: {$ref: "#/components/schemas/Visit"}}}}
\#(errors(400, 401, 403, 404, 409, 413, 415, 422))
  /api/v1/visits/{id}/reschedule:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: rescheduleVisit
      summary: Move a booked visit (and optionally give it to another technician), checked like a booking; the ticket keeps both in its history
      parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/VisitReschedule"}}}
      responses:
        "200": {description: The visit, content: {application/json: {schema: {$ref: "#/components/schemas/Visit"}}}}
\#(errors(400, 401, 403, 404, 409, 413, 415, 422))
"""#

    static let visitSchemas = #"""
    VisitStatus: {enum: [booked, en_route, on_site, done, cancelled]}
    Visit:
      type: object
      required: [id, ticketId, technicianId, siteId, start, end, status, createdAt, updatedAt]
      properties:
        id: {type: integer}
        ticketId: {type: integer}
        technicianId: {type: integer}
        siteId: {type: integer}
        start: {$ref: "#/components/schemas/Time"}
        end: {$ref: "#/components/schemas/Time"}
        status: {$ref: "#/components/schemas/VisitStatus"}
        notes: {type: string}
        createdAt: {$ref: "#/components/schemas/Time"}
        updatedAt: {$ref: "#/components/schemas/Time"}
    VisitSlot:
      type: object
      required: [technicianId, technicianName, start, end, travelMinutes, load, breachesDeadline, reasons]
      properties:
        technicianId: {type: integer}
        technicianName: {type: string}
        start: {$ref: "#/components/schemas/Time"}
        end: {$ref: "#/components/schemas/Time"}
        travelMinutes: {type: integer}
        load: {type: integer}
        breachesDeadline: {type: boolean}
        reasons: {type: array, items: {type: string}}
    VisitBooking:
      type: object
      required: [ticketId, technicianId, start, end]
      additionalProperties: false
      properties:
        ticketId: {type: integer, minimum: 1}
        technicianId: {type: integer, minimum: 1}
        start: {$ref: "#/components/schemas/Time"}
        end: {$ref: "#/components/schemas/Time"}
    VisitStatusChange:
      type: object
      required: [status]
      additionalProperties: false
      properties:
        status: {$ref: "#/components/schemas/VisitStatus"}
        notes: {type: string, maxLength: 10000}
    VisitReschedule:
      type: object
      required: [start, end]
      additionalProperties: false
      properties:
        start: {$ref: "#/components/schemas/Time"}
        end: {$ref: "#/components/schemas/Time"}
        technicianId: {type: integer, minimum: 1}
"""#
}
