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
    /// A file of listens as the importer hands files to the store: each listen as its `play`, items
    /// keyed by interned names (no `String` is made or hashed per listen).
    static func parsedFile(_ parsed: ParsedListens) -> ParsedFile {
        var batch = PlayBatch()
        batch.tokenSource = parsed.strings.itemTokenSource
        batch.reserveCapacity(parsed.count)
        var items: [StringInterner.ItemKey: Int32] = [:]
        let music = UInt64(PlayKind.music.rawValue) << 62
        for i in 0..<parsed.count {
            let key = StringInterner.ItemKey(
                kindAndURI: music | UInt64(UInt32(bitPattern: parsed.spotifyURIs[i])), title: parsed.titles[i],
                creator: parsed.artists[i], album: parsed.albums[i],
                identifiers: UInt64(UInt32(bitPattern: parsed.isrcs[i])) << 32
                    | UInt64(UInt32(bitPattern: parsed.recordingMBIDs[i])))
            let item: Int32
            if let known = items[key] {
                item = known
            } else {
                func text(_ id: Int32) -> String? { id == StringInterner.none ? nil : parsed.strings[id] }
                item = batch.addItem(
                    PlayBatch.Item(
                        kind: .music, title: text(key.title) ?? "", creator: text(key.creator) ?? "", album: text(key.album),
                        uri: text(parsed.spotifyURIs[i]), isrc: text(parsed.isrcs[i]),
                        recordingMBID: text(parsed.recordingMBIDs[i])),
                    token: parsed.strings.itemToken(key))
                items[key] = item
            }
            // As `Listen.play`: it ends when the listen ended, else at its start; its length is the
            // duration, or `unknownLength`.
            let duration = parsed.durations[i]
            let time = parsed.times[i]
            let end = duration < 0 || !parsed.timeIsStart[i] ? time : time + Int64(duration / 1000)
            batch.append(
                item: item, endTime: end, milliseconds: duration < 0 ? unknownLength : duration,
                reasonStart: PlayBatch.noWord, reasonEnd: PlayBatch.noWord, platform: PlayBatch.noWord,
                country: PlayBatch.noWord, flags: PlayFlags(shuffle: nil, skipped: nil, offline: nil, incognito: nil).rawValue,
                offlineTimestamp: PlayBatch.noTimestamp, source: parsed.sources[i])
        }
        return ParsedFile(
            name: parsed.file, format: parsed.format.rawValue, records: parsed.records, batch: batch,
            rejections: parsed.rejections, examples: parsed.examples, rejected: parsed.rejected,
            droppedIdentifiers: parsed.droppedIdentifiers)
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
