import Foundation
import Hummingbird
import SegueModel
import SegueRecap
import SegueStore

/// The year in review: `GET /api/v1/recap` (the recap model as JSON).
struct RecapController {
    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("api/v1/recap", use: recap)
    }

    /// `GET /api/v1/recap?year=2024` (or `from`/`to`), with `tz`, `metric` and `source`.
    func recap(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = try RecapParameters(request.uri.queryParameters)
        let name = try context.requireSession().profileName
        return jsonResponse(try encodedRecap(q, profileName: name))
    }

    /// The recap of the profile called `name` as JSON (an empty recap when there is no such profile),
    /// cached with the charts.
    func encodedRecap(_ q: RecapParameters, profileName name: String) throws -> Data {
        try deps.cache.value(profile: name, key: q.cacheKey) {
            try encodedJSON(try deps.recap(q, profileName: name))
        }
    }
}

extension ServerDependencies {
    /// The recap of `q` in the profile called `name` (an empty recap when there is no such profile).
    func recap(_ q: RecapParameters, profileName name: String) throws -> Recap {
        try cache.value(profile: name, key: "value|" + q.cacheKey) {
            guard let profile = try plays.existingProfile(named: name) else {
                return Recap(columns: MusicColumns(), period: q.period, metric: q.metric)
            }
            return try plays.recap(q.period, metric: q.metric, sources: q.sources, profile: profile)
        }
    }
}

/// The query of a recap request, checked once for the API and the page: the period by
/// `RecapPeriod.parse` (as the CLI checks it), then the metric and the sources.
struct RecapParameters: Sendable, Equatable {
    var period: RecapPeriod
    var metric: Metric = .streams
    var sources: SourceSet = .all

    init(_ q: Parameters) throws {
        func value(_ name: String) -> String? {
            q.get(name).flatMap { $0.isEmpty ? nil : $0 }
        }
        do {
            period = try RecapPeriod.parse(year: value("year"), from: value("from"), to: value("to"), timeZone: value("tz"))
        } catch {
            throw APIError.invalid(error.description)
        }
        if let m = value("metric") {
            guard let metric = Metric(rawValue: m) else { throw APIError.invalid("metric must be streams or minutes") }
            self.metric = metric
        }
        if let text = value("source") {
            guard let set = SourceSet(names: text) else {
                throw APIError.invalid("source must be all or a comma-separated list of \(SourceSet.help)")
            }
            sources = set
        }
    }

    var cacheKey: String {
        "recap|\(period.from)|\(period.to)|\(period.timeZone.identifier)|\(metric.rawValue)|\(sources.rawValue)"
    }
}
