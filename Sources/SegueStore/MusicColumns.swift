import Foundation
import SegueModel

/// A profile's music plays as compact columns sorted by end time, with the names they refer to.
///
/// Charts over any range scan these columns (a binary search bounds the range, then one pass adds
/// up per entity): 250,000 plays take about a millisecond, where a `GROUP BY` over the same rows in
/// SQLite takes about 60 ms. Backends store the encoded form next to the plays and rebuild it in the
/// transaction that changes them, so it is never stale.
public struct MusicColumns: Sendable, Equatable {
    /// End time of each play, ascending.
    public var endTimes: [Int64] = []
    public var milliseconds: [Int32] = []
    /// Index into the track arrays for each play.
    public var trackOfPlay: [Int32] = []
    /// `PlaySource` raw value of each play.
    public var sources: [UInt8] = []

    public var trackNames: [String] = []
    public var trackURIs: [String] = []
    public var trackArtist: [Int32] = []
    /// Index into the album arrays, or -1 when the album is unknown.
    public var trackAlbum: [Int32] = []
    public var artistNames: [String] = []
    public var albumNames: [String] = []
    public var albumArtistNames: [String] = []
    /// Per track: its length as far as the plays tell (the longest play of known length, the whole
    /// track for a play that ran to the end; 0 when no play has a length). A play of unknown length
    /// (`unknownLength`: a scrobble) adds this to minutes. Derived from the plays when encoding.
    public var trackLengths: [Int32] = []
    /// Per track: its ISRC and MusicBrainz recording id ("" for none), both empty arrays when no
    /// track has one (see `setTrackIdentifiers`).
    public internal(set) var trackISRCs: [String] = []
    public internal(set) var trackMBIDs: [String] = []

    public init() {}

    /// Sets the tracks' identifiers ("" for none; one per track, in track order). When no track has
    /// any, both columns stay empty, so columns without identifiers compare equal however they were made.
    public mutating func setTrackIdentifiers(isrcs: [String], mbids: [String]) {
        let any = isrcs.contains { !$0.isEmpty } || mbids.contains { !$0.isEmpty }
        guard any, isrcs.count == trackNames.count, mbids.count == trackNames.count else {
            trackISRCs = []
            trackMBIDs = []
            return
        }
        trackISRCs = isrcs
        trackMBIDs = mbids
    }

    /// Track `t`'s ISRC, when it has one.
    public func isrc(ofTrack t: Int) -> String? {
        t < trackISRCs.count && !trackISRCs[t].isEmpty ? trackISRCs[t] : nil
    }

    /// Track `t`'s MusicBrainz recording id, when it has one.
    public func mbid(ofTrack t: Int) -> String? {
        t < trackMBIDs.count && !trackMBIDs[t].isEmpty ? trackMBIDs[t] : nil
    }

    /// The longest play of known length per track (see `trackLengths`).
    public static func lengths(trackCount: Int, trackOfPlay: [Int32], milliseconds: [Int32]) -> [Int32] {
        var lengths = [Int32](repeating: 0, count: trackCount)
        for i in trackOfPlay.indices {
            let t = Int(trackOfPlay[i])
            if t < trackCount, milliseconds[i] > lengths[t] { lengths[t] = milliseconds[i] }
        }
        return lengths
    }

    /// What play `i` adds: its milliseconds (its track's length when its own is unknown) and whether
    /// it is a stream (30 s or more, or of unknown length: scrobblers submit only real listens).
    @inline(__always)
    public func contribution(ofPlay i: Int) -> (ms: Int64, isStream: Bool) {
        let p = milliseconds[i]
        if p >= 0 { return (Int64(p), p >= Int32(streamThresholdMilliseconds)) }
        let t = Int(trackOfPlay[i])
        return (t < trackLengths.count ? Int64(trackLengths[t]) : 0, true)
    }

    public var playCount: Int { endTimes.count }

    /// The plays whose end time lies in `range`; empty for an inverted range (end before start).
    public func indices(in range: TimeRange) -> Range<Int> {
        let first = lowerBound(range.start)
        return first..<max(first, lowerBound(range.end))
    }

    private func lowerBound(_ t: Int64) -> Int {
        var lo = 0
        var hi = endTimes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if endTimes[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Number of entities of a kind.
    public func entityCount(_ kind: EntityKind) -> Int {
        switch kind {
        case .artists: return artistNames.count
        case .tracks: return trackNames.count
        case .albums: return albumNames.count
        }
    }

    /// The entity a track counts for, or -1 (a track with no album in an album chart).
    @inline(__always)
    func entity(ofTrack t: Int32, _ kind: EntityKind) -> Int32 {
        switch kind {
        case .tracks: return t
        case .artists: return trackArtist[Int(t)]
        case .albums: return trackAlbum[Int(t)]
        }
    }

    /// The display fields of an entity.
    public func describe(_ e: Int, _ kind: EntityKind) -> RaceEntity {
        switch kind {
        case .artists: return RaceEntity(name: artistNames[e])
        case .albums: return RaceEntity(name: albumNames[e], artist: albumArtistNames[e])
        case .tracks:
            let album = trackAlbum[e]
            return RaceEntity(
                name: trackNames[e], artist: artistNames[Int(trackArtist[e])],
                album: album >= 0 ? albumNames[Int(album)] : nil, uri: trackURIs[e].isEmpty ? nil : trackURIs[e])
        }
    }

    /// Orders entities for charts: by value descending, then by name, artist and URI.
    func precedes(_ a: Int, _ va: Double, _ b: Int, _ vb: Double, _ kind: EntityKind) -> Bool {
        if va != vb { return va > vb }
        let da = describe(a, kind)
        let db = describe(b, kind)
        if da.name != db.name { return da.name < db.name }
        if (da.artist ?? "") != (db.artist ?? "") { return (da.artist ?? "") < (db.artist ?? "") }
        if (da.uri ?? "") != (db.uri ?? "") { return (da.uri ?? "") < (db.uri ?? "") }
        return a < b
    }

    /// The top chart for `query`.
    public func top(_ query: ChartQuery) -> [ChartEntry] {
        let kind = query.kind
        let n = entityCount(kind)
        var streams = [Int32](repeating: 0, count: n)
        var ms = [Int64](repeating: 0, count: n)
        var touched = [Bool](repeating: false, count: n)
        var touchedList: [Int32] = []
        endTimes.withUnsafeBufferPointer { _ in
            for i in indices(in: query.range) {
                let e = entity(ofTrack: trackOfPlay[i], kind)
                if e < 0 { continue }
                let (p, isStream) = contribution(ofPlay: i)
                ms[Int(e)] += p
                if isStream { streams[Int(e)] += 1 }
                if !touched[Int(e)] {
                    touched[Int(e)] = true
                    touchedList.append(e)
                }
            }
        }
        let limit = max(0, query.limit)
        guard limit > 0, !touchedList.isEmpty else { return [] }
        func value(_ e: Int) -> Double {
            query.metric == .streams ? Double(streams[e]) : Double(ms[e])
        }
        // Everything that can make the cut: at least the limit-th largest value (ties included).
        var candidates = touchedList.map(Int.init)
        if candidates.count > limit {
            var values = candidates.map(value)
            values.sort(by: >)
            let threshold = values[limit - 1]
            candidates = candidates.filter { value($0) >= threshold }
        }
        candidates.sort { precedes($0, value($0), $1, value($1), kind) }
        return candidates.prefix(limit).enumerated().map { offset, e in
            let d = describe(e, kind)
            return ChartEntry(
                rank: offset + 1, name: d.name, artist: d.artist, album: d.album, uri: d.uri,
                streams: Int(streams[e]), milliseconds: ms[e])
        }
    }

    /// Music totals, distinct counts and listening patterns over `range` (episodes are not in here).
    public func stats(range: TimeRange, timeZone: TimeZone) -> ListeningStats {
        var s = ListeningStats()
        let r = indices(in: range)
        guard !r.isEmpty else { return s }
        s.firstPlay = endTimes[r.lowerBound]
        s.lastPlay = endTimes[r.upperBound - 1]
        var seenTracks = [Bool](repeating: false, count: trackNames.count)
        var seenArtists = [Bool](repeating: false, count: artistNames.count)
        var seenAlbums = [Bool](repeating: false, count: albumNames.count)
        var offsets = ZoneOffsets(timeZone)
        for i in r {
            let t = endTimes[i]
            let (p, isStream) = contribution(ofPlay: i)
            if milliseconds[i] < 0 { s.playsWithoutLength += 1 }
            s.musicPlays += 1
            s.milliseconds += p
            if isStream { s.streams += 1 }
            let track = Int(trackOfPlay[i])
            if !seenTracks[track] {
                seenTracks[track] = true
                s.distinctTracks += 1
                let a = Int(trackArtist[track])
                if !seenArtists[a] {
                    seenArtists[a] = true
                    s.distinctArtists += 1
                }
                let al = Int(trackAlbum[track])
                if al >= 0 && !seenAlbums[al] {
                    seenAlbums[al] = true
                    s.distinctAlbums += 1
                }
            }
            let local = t + offsets.offset(at: t)
            let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
            let hour = Int((local - days * 86_400) / 3600)
            let day = CalendarDay(daysSinceEpoch: days)
            s.millisecondsByHour[hour] += p
            s.millisecondsByWeekday[day.weekdayFromMonday] += p
            s.millisecondsByMonth[day.month - 1] += p
            if isStream {
                s.streamsByHour[hour] += 1
                s.streamsByWeekday[day.weekdayFromMonday] += 1
                s.streamsByMonth[day.month - 1] += 1
            }
        }
        return s
    }

    /// Cumulative values per period of every entity that is ever in the top `query.top`.
    public func race(_ query: RaceQuery, timeZone: TimeZone) -> RaceData {
        let kind = query.kind
        var result = RaceData(kind: kind, metric: query.metric, period: query.period, periods: [], entities: [], values: [])
        guard let firstTime = endTimes.first, let lastTime = endTimes.last else { return result }
        let firstDay = query.from ?? CalendarDay(time: firstTime, timeZone: timeZone)
        let lastDay = query.to ?? CalendarDay(time: lastTime, timeZone: timeZone)
        guard firstDay <= lastDay else { return result }
        // Period starts; the range's own first day begins the first period.
        var starts: [CalendarDay] = [firstDay]
        var next = query.period.next(after: query.period.start(of: firstDay))
        while next <= lastDay {
            starts.append(next)
            next = query.period.next(after: next)
        }
        var bounds = starts.map { $0.startTime(in: timeZone) }
        bounds.append(lastDay.next.startTime(in: timeZone))

        let n = entityCount(kind)
        // Streams, or milliseconds for minutes: whole numbers, so equal totals tie exactly as in `top`
        // (summing fractions of minutes play by play would rank by rounding error).
        var cumulative = [Int64](repeating: 0, count: n)
        var everTop = [Bool](repeating: false, count: n)
        var top: [Int] = []
        let topN = max(1, query.top)
        var position = lowerBound(bounds[0])
        var updated: [Int] = []
        var isUpdated = [Bool](repeating: false, count: n)
        for p in 0..<starts.count {
            let end = bounds[p + 1]
            while position < endTimes.count && endTimes[position] < end {
                let e = entity(ofTrack: trackOfPlay[position], kind)
                let (ms, isStream) = contribution(ofPlay: position)
                position += 1
                if e < 0 { continue }
                let add: Int64 = query.metric == .streams ? (isStream ? 1 : 0) : ms
                guard add > 0 else { continue }
                cumulative[Int(e)] += add
                if !isUpdated[Int(e)] {
                    isUpdated[Int(e)] = true
                    updated.append(Int(e))
                }
            }
            // Values only grow, so the new top N is among the old top N and what changed.
            if !updated.isEmpty {
                var candidates = top
                for e in updated where !top.contains(e) { candidates.append(e) }
                candidates.sort { precedes($0, Double(cumulative[$0]), $1, Double(cumulative[$1]), kind) }
                top = Array(candidates.prefix(topN))
                for e in top { everTop[e] = true }
                for e in updated { isUpdated[e] = false }
                updated.removeAll(keepingCapacity: true)
            }
        }
        let members = (0..<n).filter { everTop[$0] }
        var slot = [Int](repeating: -1, count: n)
        for (k, e) in members.enumerated() { slot[e] = k }
        var values = [[Double]](repeating: [Double](repeating: 0, count: starts.count), count: members.count)
        var running = [Int64](repeating: 0, count: members.count)
        position = lowerBound(bounds[0])
        for p in 0..<starts.count {
            let end = bounds[p + 1]
            while position < endTimes.count && endTimes[position] < end {
                let e = entity(ofTrack: trackOfPlay[position], kind)
                let (ms, isStream) = contribution(ofPlay: position)
                position += 1
                guard e >= 0, slot[Int(e)] >= 0 else { continue }
                let k = slot[Int(e)]
                if query.metric == .streams {
                    if isStream { running[k] += 1 }
                } else {
                    running[k] += ms
                }
            }
            for k in 0..<members.count {
                values[k][p] = query.metric == .streams ? Double(running[k]) : Double(running[k]) / 60_000
            }
        }
        result.periods = starts
        result.entities = members.map { describe($0, kind) }
        result.values = values
        return result
    }
}

/// A time zone's UTC offset, looked up once per DST period rather than once per play.
public struct ZoneOffsets {
    let zone: TimeZone
    var validFrom: Int64 = .max
    var validUntil: Int64 = .min
    var current: Int64 = 0

    /// Offsets of `zone`, looked up as times arrive.
    public init(_ zone: TimeZone) { self.zone = zone }

    /// The offset (seconds east of UTC) of `zone` at `t` (seconds since 1970).
    public mutating func offset(at t: Int64) -> Int64 {
        if t >= validFrom && t < validUntil { return current }
        let date = Date(timeIntervalSince1970: TimeInterval(t))
        current = Int64(zone.secondsFromGMT(for: date))
        validFrom = t
        if let next = zone.nextDaylightSavingTimeTransition(after: date) {
            validUntil = Int64(next.timeIntervalSince1970)
        } else {
            validUntil = .max
        }
        return current
    }
}
