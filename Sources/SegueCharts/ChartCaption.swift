import SegueModel

/// The words around a chart: title, subtitle and footer.
public struct ChartCaption: Sendable, Equatable {
    public var title: String
    public var subtitle: String
    /// Small print at the bottom, such as a total.
    public var footer: String?

    public init(title: String, subtitle: String, footer: String? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.footer = footer
    }

    /// `Top 10 artists`, `By streams · All time`, `12,345 streams in the top 10`.
    public static func topChart(
        kind: EntityKind, metric: Metric, top: Int, from: CalendarDay?, to: CalendarDay?, entries: [ChartEntry]
    ) -> ChartCaption {
        let total = entries.reduce(0) { $0 + $1.value(metric) }
        let footer = "\(NumberFormatting.grouped(total)) \(unit(metric)) in the top \(entries.count)"
        return ChartCaption(
            title: "Top \(top) \(kind.rawValue)",
            subtitle: "By \(metricName(metric)) \u{00B7} \(DateLabels.range(from: from, to: to))", footer: footer)
    }

    /// `Top artists`, `By streams · Jan 2019 – Dec 2024`.
    public static func race(_ data: RaceData) -> ChartCaption {
        var range = ""
        if let first = data.periods.first, let last = data.periods.last {
            let a = DateLabels.period(first, data.period)
            let b = DateLabels.period(last, data.period)
            range = a == b ? " \u{00B7} \(a)" : " \u{00B7} \(a) \u{2013} \(b)"
        }
        return ChartCaption(
            title: "Top \(data.kind.rawValue)", subtitle: "By \(metricName(data.metric))\(range)", footer: nil)
    }

    /// `streams` or `minutes listened`.
    public static func metricName(_ metric: Metric) -> String {
        metric == .streams ? "streams" : "minutes listened"
    }

    /// `streams` or `minutes`.
    public static func unit(_ metric: Metric) -> String {
        metric == .streams ? "streams" : "minutes"
    }
}
