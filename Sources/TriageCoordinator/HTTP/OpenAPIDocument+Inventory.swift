extension OpenAPIDocument {
    /// The four inventory kinds share one shape: POST and GET on the collection, GET, PUT and
    /// DELETE on a record, every answer named by status.
    private struct InventoryKind {
        let name: String
        let plural: String
        let noun: String
        let createSummary: String
        let deleteSummary: String
    }

    private static let inventoryKinds = [
        InventoryKind(name: "Customer", plural: "customers", noun: "customer", createSummary: "Create a customer (admin)",
                      deleteSummary: "Delete a customer without sites or tickets (admin)"),
        InventoryKind(name: "Site", plural: "sites", noun: "site", createSummary: "Create a site of a customer (admin)",
                      deleteSummary: "Delete a site without hosts or visits (admin)"),
        InventoryKind(name: "Host", plural: "hosts", noun: "host", createSummary: "Create a host at a site (admin)",
                      deleteSummary: "Delete a host without tickets or agent tokens (admin)"),
        InventoryKind(name: "Technician", plural: "technicians", noun: "technician",
                      createSummary: "Create a technician (admin)",
                      deleteSummary: "Delete a technician with no tickets, visits or tokens (admin); otherwise set active to false"),
    ]

    static let inventoryPaths = inventoryKinds.map(paths).joined(separator: "\n")

    /// The request bodies of create and replace, under components.requestBodies.
    static let inventoryRequestBodies = inventoryKinds.map { kind in
        #"""
            \#(kind.name)Input:
              required: true
              content: {application/json: {schema: {$ref: "#/components/schemas/\#(kind.name)Input"}}}
        """#
    }.joined(separator: "\n")

    private static func paths(_ kind: InventoryKind) -> String {
        let (name, plural, noun) = (kind.name, kind.plural, kind.noun)
        return #"""
          /api/v1/\#(plural):
            post:
              operationId: create\#(name)
              summary: \#(kind.createSummary)
              parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
              requestBody: {$ref: "#/components/requestBodies/\#(name)Input"}
              responses:
                "201": {description: Created, headers: {Location: {$ref: "#/components/headers/Location"}}, content: {application/json: {schema: {$ref: "#/components/schemas/\#(name)"}}}}
        \#(errors(400, 401, 403, 413, 415, 422))
            get:
              operationId: list\#(name)s
              summary: List \#(plural) in id order
              parameters: [{$ref: "#/components/parameters/Limit"}, {$ref: "#/components/parameters/Cursor"}]
              responses:
                "200": {description: A page, content: {application/json: {schema: {$ref: "#/components/schemas/\#(name)Page"}}}}
        \#(errors(400, 401, 403))
          /api/v1/\#(plural)/{id}:
            parameters: [{$ref: "#/components/parameters/Id"}]
            get:
              operationId: get\#(name)
              summary: One \#(noun)
              responses:
                "200": {description: The \#(noun), content: {application/json: {schema: {$ref: "#/components/schemas/\#(name)"}}}}
        \#(errors(400, 401, 403, 404))
            put:
              operationId: replace\#(name)
              summary: Replace a \#(noun)'s fields (admin)
              parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
              requestBody: {$ref: "#/components/requestBodies/\#(name)Input"}
              responses:
                "200": {description: Replaced, content: {application/json: {schema: {$ref: "#/components/schemas/\#(name)"}}}}
        \#(errors(400, 401, 403, 404, 413, 415, 422))
            delete:
              operationId: delete\#(name)
              summary: \#(kind.deleteSummary)
              parameters: [{$ref: "#/components/parameters/IdempotencyKey"}]
              responses:
                "204": {description: Deleted}
        \#(errors(400, 401, 403, 404, 409, 422))
        """#
    }
}
