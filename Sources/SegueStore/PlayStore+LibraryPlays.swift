import SegueModel

extension PlayStore {
    /// How often a profile played each library track in `range`: the history joined to the files by
    /// ISRC or MusicBrainz recording id, else artist, title and album (`ListeningIndex`). Empty when there is no such profile; tracks never
    /// played are left out.
    public func libraryPlayCounts(profile name: String, tracks: [LibraryTrack], range: TimeRange) throws -> [Int64: Int] {
        guard let profile = try existingProfile(named: name) else { return [:] }
        let index = ListeningIndex(try musicColumns(profile: profile), range: range)
        var counts: [Int64: Int] = [:]
        for t in tracks {
            if let l = index.listening(artist: t.artist, title: t.title, album: t.album, isrc: t.isrc, mbid: t.recordingMBID) {
                counts[t.id] = l.plays
            }
        }
        return counts
    }
}
