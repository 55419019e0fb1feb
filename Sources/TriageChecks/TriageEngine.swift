import TriageModel

/// Applies plugins' triage rules to their results: first match per item wins, and every reason
/// names the plugin, the item and the evidence (the item's own summary).
public enum TriageEngine {
    public static func recommend(
        _ results: [CheckResult], rules: [String: [TriageRule]],
        vendorManaged: [String: String] = [:]
    ) -> Recommendation {
        var recommendation = Recommendation()
        for result in results where result.status != .ok {
            for rule in rules[result.plugin] ?? [] {
                guard let vendor = rule.match(result, vendorManaged: vendorManaged) else { continue }
                let evidence = "\(rule.reason) (\(result.plugin) \(result.item): \(result.status.rawValue), \(result.summary))"
                switch rule.action {
                case .onsite:
                    recommendation.onsite = true
                    recommendation.reasons.append(.init(plugin: result.plugin, item: result.item, flag: .onsite, reason: evidence))
                case .vendor:
                    let name = vendor ?? "vendor"
                    if !recommendation.vendors.contains(name) { recommendation.vendors.append(name) }
                    recommendation.reasons.append(
                        .init(plugin: result.plugin, item: result.item, flag: .vendor, reason: evidence, vendor: name))
                case .tier(let tier):
                    recommendation.tier = max(recommendation.tier ?? 0, tier)
                    recommendation.reasons.append(
                        .init(plugin: result.plugin, item: result.item, flag: .tier, reason: evidence, tier: tier))
                }
                break
            }
        }
        return recommendation
    }
}
