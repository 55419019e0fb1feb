import Crypto
import Foundation

extension TicketDesk {
    /// The requester a new ticket names: a contact of its customer (a ticket without a customer
    /// takes the contact's), or a new contact saved on the customer.
    package func requester(_ input: TicketInput, customerId: Int?, at: Date, in session: Records) async throws -> Int? {
        if let new = input.requester {
            guard let customerId else {
                throw CoordinatorError.invalid("requester", "a new contact belongs to a customer: choose the ticket's customer first")
            }
            // A caller typed in again who is a contact already (by email) is that contact, not a second one.
            if let email = new.email,
                let known = try await session.contacts(withEmail: email).first(where: { $0.fields.customerId == customerId })
            {
                return known.id
            }
            return try await session.insert(
                ContactFields(customerId: customerId, name: new.name, email: new.email, phone: new.phone), at: at
            ).id
        }
        return input.requesterId
    }

    /// The customer of contact `id`, which must be `expected` when the ticket has one.
    package func customer(ofRequester id: Int, expected: Int?, in session: Records) async throws -> Int {
        guard let contact = try await session.record(id, as: ContactFields.self) else {
            throw CoordinatorError.invalid("requesterId", "contact \(id) does not exist")
        }
        if let expected, expected != contact.fields.customerId {
            throw CoordinatorError.invalid("requesterId", "contact \(id) (\(contact.fields.name)) is not a contact of customer \(expected)")
        }
        return contact.fields.customerId
    }

    /// The addresses a public reply goes to: the requester's (unless it bounced) and the CCs.
    package func recipients(of ticket: Ticket, in session: Records) async throws -> (to: [String], cc: [String], requester: Contact?) {
        var to: [String] = []
        var contact: Contact?
        if let id = ticket.requesterId, let found = try await session.record(id, as: ContactFields.self),
            found.fields.customerId == ticket.customerId
        {
            contact = found
            if let email = found.fields.email, found.fields.undeliverable == nil { to.append(email) }
        }
        let cc = ticket.cc.filter { address in !to.contains { $0.lowercased() == address.lowercased() } }
        return (to, cc, contact)
    }
}

extension TicketDesk {
    /// Files people attach, kept by their SHA-256 (within the mail size cap).
    package func keep(_ uploads: [FileUpload], at: Date, in session: Records) async throws -> [Attachment] {
        var kept: [Attachment] = []
        for upload in uploads {
            guard upload.content.count <= core.mail.maxAttachmentBytes else {
                throw CoordinatorError(
                    .tooLarge,
                    "\(upload.name) is \(upload.content.count >> 20) MiB; files may be up to \(core.mail.maxAttachmentBytes >> 20) MiB")
            }
            let bytes = [UInt8](upload.content)
            let sha = SHA256.hash(data: bytes).hex
            try await session.insertFile(sha256: sha, content: bytes, at: at)
            kept.append(
                Attachment(
                    name: upload.name, contentType: FileTypes.safeType(upload.contentType, name: upload.name), size: bytes.count,
                    sha256: sha))
        }
        return kept
    }

    /// How a reply is signed: the technician's name when the person is one, else their login.
    package func authorName(_ principal: Principal, in session: Records) async throws -> String {
        if let id = principal.technicianId, let technician = try await session.record(id, as: TechnicianFields.self) {
            return technician.fields.name
        }
        return principal.name
    }
}
