import Foundation
import SegueModel

/// The shape of a history file, recognised by its content (names change; content does not lie).
public enum HistoryFormat: String, Sendable, Codable, CaseIterable {
    case spotify
    case lastfmCSV = "lastfm"
    case listenBrainz = "listenbrainz"
    case appleMusic = "apple"
    case youtubeMusic = "youtube"

    public var source: PlaySource {
        switch self {
        case .spotify: return .spotify
        case .lastfmCSV: return .lastfm
        case .listenBrainz: return .listenbrainz
        case .appleMusic: return .apple
        case .youtubeMusic: return .youtube
        }
    }

    /// How many first bytes `sniff` needs at most: Apple's header row names about 150 columns.
    public static let sniffBytes = 16_384

    /// The format of a file from its first bytes (up to `sniffBytes`), or nil when it is none of them.
    public static func sniff(_ head: some Collection<UInt8>) -> HistoryFormat? {
        var bytes = Array(head)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let first = bytes.firstIndex(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        switch bytes[first] {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            if text.contains("\"listened_at\"") { return .listenBrainz }
            if text.contains("\"header\"") && (text.contains("\"titleUrl\"") || text.contains("\"YouTube")) {
                return .youtubeMusic
            }
            if text.contains("\"ms_played\"") || text.contains("\"msPlayed\"") { return .spotify }
            return nil
        default:
            // CSV: judge by the first complete line.
            guard let end = bytes[first...].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) ?? (bytes.count < sniffBytes ? bytes.count : nil)
            else { return nil }
            let line = Array(bytes[first..<end])
            let row: [String]? = line.withUnsafeBufferPointer { buffer in
                var reader = CSVReader(buffer)
                return (try? reader.next())?.fields
            }
            guard let row else { return nil }
            if AppleMusicActivity.isHeader(row) { return .appleMusic }
            if LastfmCSV.layout(firstRow: row) != nil { return .lastfmCSV }
            return nil
        }
    }

    /// Parses one file of this format (not Spotify, whose importer streams to the store).
    static func parseListens(_ bytes: FileBytes, format: HistoryFormat, file: String, now: Int64) throws -> ParsedListens {
        switch format {
        case .spotify: preconditionFailure("Spotify files go through HistoryImporter")
        case .lastfmCSV: return try bytes.withBuffer { try LastfmCSV.parse($0, file: file, now: now) }
        case .appleMusic: return try bytes.withBuffer { try AppleMusicActivity.parse($0, file: file, now: now) }
        case .listenBrainz: return try ListenBrainzExport.parse(bytes.withBuffer { Data($0) }, file: file, now: now)
        case .youtubeMusic: return try YouTubeMusicHistory.parse(bytes.withBuffer { Data($0) }, file: file, now: now)
        }
    }
}
