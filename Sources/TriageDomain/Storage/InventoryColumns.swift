import Foundation
import TriageModel

// How each kind of inventory record is kept: its columns, written and read. The only place
// that names them besides the migrations.

extension CustomerFields {
    public var storedValues: [(String, StoredValue)] {
        [
            ("name", .text(name)), ("contact_email", .text(contactEmail)), ("contact_phone", .text(contactPhone)),
            ("phone_digits", .text(contactPhone.map(ContactFields.digits))), ("notes", .text(notes)),
            ("mail_domains", mailDomains.map { .json($0) } ?? .text(nil)),
        ]
    }

    public init(stored row: any StoredRow) throws {
        name = try row.required(row.text("name"), "name")
        contactEmail = try row.text("contact_email")
        contactPhone = try row.text("contact_phone")
        notes = try row.text("notes")
        mailDomains = try row.text("mail_domains") == nil ? nil : row.json("mail_domains", as: [String].self)
    }
}

extension ContactFields {
    public var storedValues: [(String, StoredValue)] {
        [
            ("customer_id", .int(customerId)), ("name", .text(name)), ("email", .text(email)), ("phone", .text(phone)),
            ("phone_digits", .text(phone.map(Self.digits))), ("undeliverable", .text(undeliverable)),
        ]
    }

    public init(stored row: any StoredRow) throws {
        customerId = try row.required(row.int("customer_id"), "customer_id")
        name = try row.required(row.text("name"), "name")
        email = try row.text("email")
        phone = try row.text("phone")
        undeliverable = try row.text("undeliverable")
    }
}

extension SiteFields {
    public var storedValues: [(String, StoredValue)] {
        [
            ("customer_id", .int(customerId)), ("name", .text(name)), ("address", .text(address)),
            ("region", .text(region)), ("latitude", .double(latitude)), ("longitude", .double(longitude)),
            ("time_zone", .text(timeZone)), ("opening_hours", .json(openingHours)),
        ]
    }

    public init(stored row: any StoredRow) throws {
        customerId = try row.required(row.int("customer_id"), "customer_id")
        name = try row.required(row.text("name"), "name")
        address = try row.text("address")
        region = try row.text("region")
        latitude = try row.double("latitude")
        longitude = try row.double("longitude")
        timeZone = try row.required(row.text("time_zone"), "time_zone")
        openingHours = try row.json("opening_hours", as: [OpeningHours].self)
    }
}

extension HostFields {
    public var storedValues: [(String, StoredValue)] {
        [
            ("site_id", .int(siteId)), ("name", .text(name)), ("address", .text(address)), ("tags", .json(tags)),
            ("criticality", .text(criticality.rawValue)), ("vendor_services", .json(vendorServices)),
            ("plugin_params", .json(pluginParams)),
        ]
    }

    public init(stored row: any StoredRow) throws {
        self.init(
            siteId: try row.required(row.int("site_id"), "site_id"), name: try row.required(row.text("name"), "name"),
            address: try row.text("address"), tags: try row.json("tags", as: [String].self),
            criticality: Criticality(rawValue: try row.text("criticality") ?? "") ?? .normal)
        vendorServices = try row.json("vendor_services", as: [VendorService].self)
        pluginParams = try row.json("plugin_params", as: [String: [String: String]].self)
    }
}

extension TechnicianFields {
    public var storedValues: [(String, StoredValue)] {
        [
            ("name", .text(name)), ("email", .text(email)), ("tier", .int(tier)), ("skills", .json(skills)),
            ("region", .text(region)), ("time_zone", .text(timeZone)), ("shifts", .json(shifts)),
            ("absences", .json(absences)), ("max_load", .int(maxLoad)), ("active", .bool(active)),
        ]
    }

    public init(stored row: any StoredRow) throws {
        name = try row.required(row.text("name"), "name")
        email = try row.text("email")
        tier = try row.required(row.int("tier"), "tier")
        skills = try row.json("skills", as: [String].self)
        region = try row.text("region")
        timeZone = try row.required(row.text("time_zone"), "time_zone")
        shifts = try row.json("shifts", as: [Shift].self)
        absences = try row.json("absences", as: [Absence].self)
        maxLoad = try row.required(row.int("max_load"), "max_load")
        active = try row.bool("active")
    }
}
