import Foundation

/// Sorted, non-overlapping lists of time intervals.
package enum Intervals {
    /// The instants of a weekly plan (minutes from local midnight by ISO weekday) on the local
    /// days of a window, clipped to it.
    package static func weekly(_ plan: [Int: [Range<Int>]], _ local: (clock: WallClock, days: [WallClock.Day]), within window: DateInterval)
        -> [DateInterval]
    {
        let clock = local.clock
        var result: [DateInterval] = []
        for day in local.days {
            for minutes in plan[day.weekday] ?? [] {
                let from = max(clock.instant(minutes.lowerBound, on: day), window.start)
                let to = min(clock.instant(minutes.upperBound, on: day), window.end)
                if from < to { result.append(DateInterval(start: from, end: to)) }
            }
        }
        return merge(result)
    }

    package static func intersect(_ a: [DateInterval], _ b: [DateInterval]) -> [DateInterval] {
        var result: [DateInterval] = []
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            let start = max(a[i].start, b[j].start)
            let end = min(a[i].end, b[j].end)
            if start < end { result.append(DateInterval(start: start, end: end)) }
            if a[i].end < b[j].end { i += 1 } else { j += 1 }
        }
        return result
    }

    /// `from` without the parts `cuts` cover.
    package static func subtract(_ cuts: [DateInterval], from: [DateInterval]) -> [DateInterval] {
        guard !cuts.isEmpty else { return from }
        let cuts = merge(cuts)
        var result: [DateInterval] = []
        for interval in from {
            var start = interval.start
            for cut in cuts where cut.end > start && cut.start < interval.end {
                if cut.start > start { result.append(DateInterval(start: start, end: cut.start)) }
                start = max(start, cut.end)
            }
            if start < interval.end { result.append(DateInterval(start: start, end: interval.end)) }
        }
        return result
    }

    /// Sorted, with touching and overlapping intervals joined.
    package static func merge(_ intervals: [DateInterval]) -> [DateInterval] {
        var result: [DateInterval] = []
        for interval in intervals.sorted(by: { $0.start < $1.start }) {
            if let last = result.last, interval.start <= last.end {
                result[result.count - 1] = DateInterval(start: last.start, end: max(last.end, interval.end))
            } else {
                result.append(interval)
            }
        }
        return result
    }
}

extension DateInterval {
    package func contains(_ other: DateInterval) -> Bool { start <= other.start && other.end <= end }

    package func expanded(by seconds: TimeInterval) -> DateInterval {
        DateInterval(start: start.addingTimeInterval(-seconds), end: end.addingTimeInterval(seconds))
    }
}
