import SegueModel
import SegueStore

extension Listen {
    /// The play this listen is stored as: it ends when the listen ended, else (no duration known)
    /// at its start, so it belongs to the day its listen ended when that is known; its length is
    /// the duration, or `unknownLength`.
    public var play: Play {
        Play(
            kind: .music, endTime: endTime ?? time, msPlayed: durationMs ?? Int(unknownLength), title: title,
            creator: artist, album: album, uri: spotifyURI, source: source)
    }
}

extension HistoryImporter {
    /// A file of listens as the importer hands files to the store.
    static func parsedFile(_ parsed: ParsedListens) -> ParsedFile {
        var batch = PlayBatch()
        batch.reserveCapacity(parsed.listens.count)
        for listen in parsed.listens { batch.append(listen.play) }
        return ParsedFile(
            name: parsed.file, format: parsed.format.rawValue, records: parsed.records, batch: batch,
            rejections: parsed.rejections, examples: parsed.examples, rejected: parsed.rejected)
    }
}
