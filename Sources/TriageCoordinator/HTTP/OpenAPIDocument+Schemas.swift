extension OpenAPIDocument {
    /// The JSON shapes: inputs refuse unknown fields; answers list what is always there.
    static let schemas = #"""
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
                 resolveDueAt, responseWarnAt, resolveWarnAt, clockOwner, flags, createdBy, createdAt, updatedAt]
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
        assignedAt: {$ref: "#/components/schemas/Time"}
        tags: {type: array, items: {type: string}}
        requiredSkills: {type: array, items: {type: string}}
        responseDueAt: {$ref: "#/components/schemas/Time"}
        resolveDueAt: {$ref: "#/components/schemas/Time"}
        responseWarnAt: {$ref: "#/components/schemas/Time"}
        resolveWarnAt: {$ref: "#/components/schemas/Time"}
        firstResponseAt: {$ref: "#/components/schemas/Time"}
        resolvedAt: {$ref: "#/components/schemas/Time"}
        closedAt: {$ref: "#/components/schemas/Time"}
        clockOwner:
          description: who has to act now — us, the customer we wait for, or the vendor of the open vendor case
          enum: [us, customer, vendor]
        flags:
          type: object
          required: [onsite, onsiteReasons, vendorSuggestions]
          properties:
            onsite: {type: boolean}
            onsiteReasons: {type: array, items: {type: string}}
            vendorSuggestions: {description: vendors that attached diagnoses named, type: array, items: {type: string}}
            vendorCase:
              type: object
              required: [vendor]
              properties:
                vendor: {type: string}
                externalRef: {type: string}
                status: {type: string}
                vendorSeverity: {type: string}
                vendorDueAt: {$ref: "#/components/schemas/Time"}
                openedAt: {$ref: "#/components/schemas/Time"}
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
        type: {type: string, examples: [created, assigned, assignment_kept, unassignable, unassigned, status_changed, updated, comment, reopened, escalated, vendor_case_opened, vendor_case_updated, sla_warning, sla_breach, diagnostic_attached, flagged, vendor_case_suggested, skills_required]}
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
        host: {type: string, minLength: 1, maxLength: 255, pattern: "\\S", description: "the host's name or SSH address (a full DNS name may be 253 characters)"}
        startedAt: {$ref: "#/components/schemas/Time"}
        durationMs: {type: integer, minimum: 0, maximum: 9223372036854775807}
        agentVersion: {type: string}
        status: {$ref: "#/components/schemas/CheckStatus"}
        # Optional fields inside may be null as well as absent (the agent leaves them out).
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
              longOutput: {type: [string, "null"]}
              metrics:
                type: array
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    value: {type: [number, "null"]}
                    unit: {type: [string, "null"]}
                    warn: {type: [string, "null"]}
                    crit: {type: [string, "null"]}
                    min: {type: [number, "null"]}
                    max: {type: [number, "null"]}
              durationMs: {type: integer, minimum: -9223372036854775808, maximum: 9223372036854775807}
        recommendation:
          type: object
          required: [onsite, vendors, reasons]
          properties:
            onsite: {type: boolean}
            vendors: {type: array, items: {type: string}}
            tier: {type: [integer, "null"], minimum: -9223372036854775808, maximum: 9223372036854775807}
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
                  vendor: {type: [string, "null"]}
                  tier: {type: [integer, "null"], minimum: -9223372036854775808, maximum: 9223372036854775807}
        errors:
          type: array
          items:
            type: object
            required: [message]
            properties:
              plugin: {type: [string, "null"]}
              message: {type: string}
    Diagnostic:
      type: object
      required: [id, ticketId, postedBy, receivedAt, report]
      properties:
        id: {$ref: "#/components/schemas/Id"}
        ticketId: {$ref: "#/components/schemas/Id"}
        postedBy: {type: string}
        receivedAt: {$ref: "#/components/schemas/Time"}
        report: {$ref: "#/components/schemas/DiagnosticReport"}
        appliedAt: {$ref: "#/components/schemas/Time", description: "when its recommendation acted on the ticket; absent while it waits to be applied"}
        appliedBy: {type: string, description: "role:name of who posted or applied it"}
    NextCursor: {type: [string, "null"]}
    CustomerPage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Customer"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
    SitePage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Site"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
    HostPage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Host"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
    TechnicianPage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Technician"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
    TicketPage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/Ticket"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
    EventPage: {type: object, required: [items], properties: {items: {type: array, items: {$ref: "#/components/schemas/TicketEvent"}}, nextCursor: {$ref: "#/components/schemas/NextCursor"}}}
"""#
}
