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

extension HistoryImporter {
    /// Parses one file of listens as an import's parsing thread does (recognise, read, build the
    /// store's batch) without storing it: for benchmarks and checks.
    /// - Returns: the format's name, the records read and the plays built; nil when the file is not
    ///   a listens history Segue reads (Spotify's files go through the streaming parser).
    public static func parseListensFile(at path: String, now: Int64) throws -> (format: String, records: Int, plays: Int)? {
        let bytes = try FileBytes(mapping: path)
        let head = bytes.withBuffer { Array($0.prefix(HistoryFormat.sniffBytes)) }
        guard let format = HistoryFormat.sniff(head), format != .spotify else { return nil }
        let parsed = parsedFile(try HistoryFormat.parseListens(bytes, format: format, file: path, now: now))
        return (parsed.format, parsed.records, parsed.batch.count)
    }
}
