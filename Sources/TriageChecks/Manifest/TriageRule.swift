import TriageModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// One triage rule: when an item matches, it raises a flag with a reason (docs/adding-a-check.md).
public struct TriageRule: Sendable, Equatable {
    /// Shell-style glob on the item; nil matches every item.
    public var item: String?
    /// Statuses the rule fires on; empty means any non-OK status.
    public var statuses: Set<CheckStatus>
    /// Shell-style glob on the item's summary (the evidence), e.g. `*crash loop*`; nil for any.
    public var summary: String? = nil
    /// When true, the item's subject (the item without its first word, e.g. `nginx.service` in
    /// `unit nginx.service`) must be a service the inventory marks vendor-managed.
    public var vendorManaged: Bool
    public var action: Action
    public var reason: String

    public enum Action: Sendable, Equatable {
        /// Send a person.
        case onsite
        /// Escalate to a third party; nil names the vendor the inventory gives for the service.
        case vendor(String?)
        /// Fix remotely at this tier.
        case tier(Int)
    }

    public init(item: String?, statuses: Set<CheckStatus>, vendorManaged: Bool = false, action: Action, reason: String) {
        self.item = item
        self.statuses = statuses
        self.vendorManaged = vendorManaged
        self.action = action
        self.reason = reason
    }

    /// The vendor this rule names for `result` if it matches, given the inventory's
    /// vendor-managed services; `.some(nil)` when it matches without a vendor; nil when it
    /// does not match.
    func match(_ result: CheckResult, vendorManaged services: [String: String]) -> String?? {
        if statuses.isEmpty ? result.status == .ok : !statuses.contains(result.status) { return nil }
        if let item, fnmatch(item, result.item, 0) != 0 { return nil }
        if let summary, fnmatch(summary, result.summary, 0) != 0 { return nil }
        let subject = result.item.split(separator: " ", maxSplits: 1).last.map(String.init) ?? result.item
        // "nginx.service" may be written "nginx" in an inventory.
        let managedBy = services[subject] ?? (subject.hasSuffix(".service") ? services[String(subject.dropLast(8))] : nil)
        if vendorManaged && managedBy == nil { return nil }
        if case .vendor(let named) = action {
            guard let vendor = named ?? managedBy else { return nil }
            return .some(vendor)
        }
        return .some(nil)
    }
}
