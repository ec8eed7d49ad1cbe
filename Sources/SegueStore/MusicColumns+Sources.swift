import Foundation
import SegueModel

extension MusicColumns {
    /// How far apart (in seconds) the starts of two plays from different sources may be for them to
    /// be one listen (a Spotify play and its Last.fm scrobble, say).
    public static let sameListenWindow: Int64 = 120

    /// Makes one history of plays from several sources (stores call this before saving the columns):
    ///
    /// - **Identity.** A track without a URI (a scrobble, account data) is the track with a URI and
    ///   the same normalised artist and title (`NameKey`) when one exists (the first such), else the
    ///   first track without a URI under that key: its plays count there.
    /// - **One listen counts once.** Two plays of one key from different sources whose starts lie
    ///   within `sameListenWindow` are one listen; the richer play stays (a length, then a URI, then
    ///   an album; then the source, Spotify first). Each kept play absorbs at most one play per
    ///   other source; plays from one source are never merged here (the store's exact-duplicate
    ///   rule covers them).
    ///
    /// A profile whose plays are all from one source and whose tracks all have URIs is unchanged.
    public mutating func unifyAcrossSources() {
        let n = playCount
        guard n > 0 else { return }
        if sources.count != n { sources = [UInt8](repeating: PlaySource.spotify.rawValue, count: n) }
        let first = sources[0]
        let oneSource = !sources.contains { $0 != first }
        let everyTrackHasURI = !trackURIs.contains { $0.isEmpty }
        if oneSource && everyTrackHasURI { return }

        // Identity: one key per normalised (artist, title); URI-less tracks move to their key's track.
        var keyOfTrack = [Int32](repeating: 0, count: trackNames.count)
        var keys: [String: Int32] = [:]
        var canonicalOfKey: [Int32] = []
        var keyHasURI: [Bool] = []
        for t in trackNames.indices {
            let artist = Int(trackArtist[t])
            let key = NameKey.track(artist: artist < artistNames.count ? artistNames[artist] : "", title: trackNames[t])
            let k: Int32
            if let known = keys[key] {
                k = known
            } else {
                k = Int32(canonicalOfKey.count)
                keys[key] = k
                canonicalOfKey.append(Int32(t))
                keyHasURI.append(false)
            }
            keyOfTrack[t] = k
            if !trackURIs[t].isEmpty && !keyHasURI[Int(k)] {
                keyHasURI[Int(k)] = true
                canonicalOfKey[Int(k)] = Int32(t)
            }
        }
        // A track that takes another's plays takes its identifiers where it has none.
        if !trackISRCs.isEmpty {
            for t in trackNames.indices where trackURIs[t].isEmpty {
                let c = Int(canonicalOfKey[Int(keyOfTrack[t])])
                guard c != t else { continue }
                if trackISRCs[c].isEmpty { trackISRCs[c] = trackISRCs[t] }
                if trackMBIDs[c].isEmpty { trackMBIDs[c] = trackMBIDs[t] }
            }
        }
        let original = trackOfPlay
        for i in 0..<n {
            let t = Int(original[i])
            guard t < trackNames.count, trackURIs[t].isEmpty else { continue }
            trackOfPlay[i] = canonicalOfKey[Int(keyOfTrack[t])]
        }
        guard !oneSource else { return }

        // One listen counts once. Only keys played from two or more sources can merge.
        var sourcesOfKey = [UInt16](repeating: 0, count: canonicalOfKey.count)
        for i in 0..<n where Int(original[i]) < trackNames.count {
            sourcesOfKey[Int(keyOfTrack[Int(original[i])])] |= 1 << UInt16(sources[i] & 15)
        }
        var candidates: [Int] = []
        var starts = [Int64](repeating: 0, count: n)
        for i in 0..<n where Int(original[i]) < trackNames.count {
            let mask = sourcesOfKey[Int(keyOfTrack[Int(original[i])])]
            guard mask & (mask - 1) != 0 else { continue }
            starts[i] = milliseconds[i] >= 0 ? endTimes[i] - Int64(milliseconds[i] / 1000) : endTimes[i]
            candidates.append(i)
        }
        guard !candidates.isEmpty else { return }
        candidates.sort { (starts[$0], $0) < (starts[$1], $1) }

        func richness(_ i: Int) -> Int {
            let t = Int(original[i])
            var score = 0
            if milliseconds[i] >= 0 { score += 4 << 4 }
            if !trackURIs[t].isEmpty { score += 2 << 4 }
            if trackAlbum[t] >= 0 { score += 1 << 4 }
            return score + Self.sourcePreference(sources[i])
        }
        var open: [Int32: [Int]] = [:]
        var group = [UInt16](repeating: 0, count: n)
        var dropped = [Bool](repeating: false, count: n)
        var droppedCount = 0
        for i in candidates {
            let k = keyOfTrack[Int(original[i])]
            let bit = UInt16(1) << UInt16(sources[i] & 15)
            let earliest = starts[i] - Self.sameListenWindow
            open[k, default: []].removeAll { starts[$0] < earliest }
            if let at = open[k]!.firstIndex(where: { group[$0] & bit == 0 }) {
                let j = open[k]![at]
                droppedCount += 1
                if richness(i) > richness(j) {
                    dropped[j] = true
                    group[i] = group[j] | bit
                    open[k]![at] = i
                } else {
                    dropped[i] = true
                    group[j] |= bit
                }
            } else {
                group[i] = bit
                open[k]!.append(i)
            }
        }
        guard droppedCount > 0 else { return }
        var w = 0
        for i in 0..<n where !dropped[i] {
            endTimes[w] = endTimes[i]
            milliseconds[w] = milliseconds[i]
            trackOfPlay[w] = trackOfPlay[i]
            sources[w] = sources[i]
            w += 1
        }
        endTimes.removeLast(n - w)
        milliseconds.removeLast(n - w)
        trackOfPlay.removeLast(n - w)
        sources.removeLast(n - w)
    }

    /// Which source's play stays when two equally rich plays are one listen.
    static func sourcePreference(_ raw: UInt8) -> Int {
        switch PlaySource(rawValue: raw) {
        case .spotify: return 5
        case .listenbrainz: return 4
        case .scrobble: return 3
        case .apple: return 2
        case .lastfm: return 1
        default: return 0
        }
    }

    /// Music plays per source (`PlaySource` raw value → plays), in `range`.
    public func playsBySource(in range: TimeRange = .all) -> [UInt8: Int] {
        var counts: [UInt8: Int] = [:]
        guard sources.count == playCount else { return playCount == 0 ? [:] : [PlaySource.spotify.rawValue: playCount] }
        for i in indices(in: range) { counts[sources[i], default: 0] += 1 }
        return counts
    }
}

extension MusicColumns {
    /// These columns with only the plays of `sources` (the same columns when that is every source).
    /// Track lengths stay those of the whole history: a scrobble counts its track's length even when
    /// the Spotify play that tells it is filtered out.
    public func restricted(to sources: SourceSet) -> MusicColumns {
        guard !sources.isAll, self.sources.count == playCount else { return self }
        var out = self
        let lengths =
            trackLengths.count == trackNames.count
            ? trackLengths : Self.lengths(trackCount: trackNames.count, trackOfPlay: trackOfPlay, milliseconds: milliseconds)
        out.trackLengths = lengths
        out.endTimes.removeAll(keepingCapacity: true)
        out.milliseconds.removeAll(keepingCapacity: true)
        out.trackOfPlay.removeAll(keepingCapacity: true)
        out.sources.removeAll(keepingCapacity: true)
        for i in 0..<playCount where sources.contains(raw: self.sources[i]) {
            out.endTimes.append(endTimes[i])
            out.milliseconds.append(milliseconds[i])
            out.trackOfPlay.append(trackOfPlay[i])
            out.sources.append(self.sources[i])
        }
        return out
    }
}

extension PlayStore {
    /// Statistics of the plays of `sources` only (episodes and chapters are Spotify's).
    public func stats(range: TimeRange, timeZone: TimeZone, sources: SourceSet, profile: Profile) throws -> ListeningStats {
        let all = try stats(range: range, timeZone: timeZone, profile: profile)
        guard !sources.isAll else { return all }
        var stats = try musicColumns(profile: profile).restricted(to: sources).stats(range: range, timeZone: timeZone)
        if sources.contains(SourceSet(.spotify)) {
            stats.episodes = all.episodes
            stats.audiobookChapters = all.audiobookChapters
        }
        return stats
    }
}
