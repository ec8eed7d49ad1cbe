import Foundation
import SegueModel

/// Plays in columns, with their distinct items and their low-cardinality words (reasons, platforms,
/// countries) worked out, so a store resolves each track, episode or word once per batch and binds
/// plain numbers per play. The importer builds batches on its parsing threads without making a
/// `Play` (or a `String`) per record; `init(_:)` and `append(_:)` build one from plays.
public struct PlayBatch: Sendable {
    /// A distinct track, episode or chapter of the batch, under one set of names (a track played
    /// under two spellings is two items with one key; the store picks the names it shows).
    public struct Item: Sendable, Equatable {
        public var kind: PlayKind
        public var title: String
        public var creator: String
        public var album: String?
        public var uri: String?
        /// The recording's ISRC and MusicBrainz recording id, when the source gave them (normalised
        /// by `RecordingIdentifier`). A store keeps them on the track, the first it is given of each.
        public var isrc: String?
        public var recordingMBID: String?

        public init(
            kind: PlayKind, title: String, creator: String, album: String? = nil, uri: String? = nil, isrc: String? = nil,
            recordingMBID: String? = nil
        ) {
            self.kind = kind
            self.title = title
            self.creator = creator
            self.album = album
            self.uri = uri
            self.isrc = isrc
            self.recordingMBID = recordingMBID
        }

        /// The item's identity (see `Play.itemKey`).
        public var key: String {
            if let uri, !uri.isEmpty { return uri }
            return creator + "\u{1F}" + title
        }
    }

    /// "No value" in the word columns.
    public static let noWord: Int32 = -1
    /// "No value" in `offlineTimestamps`.
    public static let noTimestamp = Int64.min

    public private(set) var items: [Item] = []
    /// Per item: its number among the items its producer has seen (`tokenSource`), or -1. A producer
    /// that hands over many batches (the importer's parse threads) numbers each distinct item once,
    /// so a sink can remember what it resolved an item to and skip the item's strings next time.
    public private(set) var itemTokens: [Int32] = []
    /// Per item: its kind (as `items[i].kind`, without copying the item's strings).
    public private(set) var itemKinds: [PlayKind] = []
    /// Who numbered `itemTokens` (0: nobody). Tokens of one source name the same item (same kind,
    /// key and names) in every batch; distinct sources never share a number (see `newTokenSource()`).
    public var tokenSource: Int = 0
    public private(set) var words: [String] = []
    // One element per play:
    public private(set) var itemOfPlay: [Int32] = []
    public private(set) var endTimes: [Int64] = []
    public private(set) var milliseconds: [Int32] = []
    /// Indexes into `words`, or `noWord`.
    public private(set) var reasonStart: [Int32] = []
    public private(set) var reasonEnd: [Int32] = []
    public private(set) var platform: [Int32] = []
    public private(set) var country: [Int32] = []
    /// `PlayFlags` of shuffle, skipped, offline and incognito.
    public private(set) var flags: [UInt8] = []
    public private(set) var offlineTimestamps: [Int64] = []
    /// `PlaySource` raw values.
    public private(set) var sources: [UInt8] = []

    private var itemIndex: [ItemKey: Int32] = [:]
    private var wordIndex: [String: Int32] = [:]

    /// An item and the names a play gave it: each variant of a track's names is an item.
    private struct ItemKey: Hashable {
        var kind: PlayKind
        var key: String
        var title: String
        var creator: String
        var album: String?
        var isrc: String?
        var recordingMBID: String?
    }

    public init() {}

    public init(_ plays: [Play]) {
        reserveCapacity(plays.count)
        for play in plays { append(play) }
    }

    public var count: Int { endTimes.count }

    public mutating func reserveCapacity(_ n: Int) {
        itemOfPlay.reserveCapacity(n)
        endTimes.reserveCapacity(n)
        milliseconds.reserveCapacity(n)
        reasonStart.reserveCapacity(n)
        reasonEnd.reserveCapacity(n)
        platform.reserveCapacity(n)
        country.reserveCapacity(n)
        flags.reserveCapacity(n)
        offlineTimestamps.reserveCapacity(n)
        sources.reserveCapacity(n)
    }

    /// Adds an item (callers that key items themselves must not add one twice); returns its index.
    /// - Parameter token: the item's number in `tokenSource`, or -1.
    public mutating func addItem(_ item: Item, token: Int32 = -1) -> Int32 {
        items.append(item)
        itemTokens.append(token)
        itemKinds.append(item.kind)
        return Int32(items.count - 1)
    }

    /// A token source number no other caller in this process gets.
    public static func newTokenSource() -> Int { tokenSources.next() }

    private static let tokenSources = TokenSources()

    private final class TokenSources: @unchecked Sendable {
        private let lock = NSLock()
        private var last = 0

        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            last += 1
            return last
        }
    }

    /// Adds a word (callers that key words themselves must not add one twice); returns its index.
    public mutating func addWord(_ word: String) -> Int32 {
        words.append(word)
        return Int32(words.count - 1)
    }

    /// Appends a play of an item and words already in the batch.
    public mutating func append(
        item: Int32, endTime: Int64, milliseconds ms: Int32, reasonStart rs: Int32, reasonEnd re: Int32,
        platform p: Int32, country c: Int32, flags f: UInt8, offlineTimestamp t: Int64, source: PlaySource = .spotify
    ) {
        itemOfPlay.append(item)
        endTimes.append(endTime)
        milliseconds.append(ms)
        reasonStart.append(rs)
        reasonEnd.append(re)
        platform.append(p)
        country.append(c)
        flags.append(f)
        offlineTimestamps.append(t)
        sources.append(source.rawValue)
    }

    /// Appends a play, finding or adding its item and words.
    /// - Parameters: isrc, recordingMBID: the recording's identifiers, when the play's source gave
    ///   them (already in `RecordingIdentifier` form).
    public mutating func append(_ play: Play, isrc: String? = nil, recordingMBID: String? = nil) {
        let key = ItemKey(
            kind: play.kind, key: play.itemKey, title: play.title, creator: play.creator, album: play.album, isrc: isrc,
            recordingMBID: recordingMBID)
        let item: Int32
        if let known = itemIndex[key] {
            item = known
        } else {
            item = addItem(
                Item(
                    kind: play.kind, title: play.title, creator: play.creator, album: play.album, uri: play.uri, isrc: isrc,
                    recordingMBID: recordingMBID))
            itemIndex[key] = item
        }
        func word(_ w: String?) -> Int32 {
            guard let w else { return Self.noWord }
            if let known = wordIndex[w] { return known }
            let index = addWord(w)
            wordIndex[w] = index
            return index
        }
        append(
            item: item, endTime: play.endTime, milliseconds: Int32(clamping: play.msPlayed),
            reasonStart: word(play.reasonStart), reasonEnd: word(play.reasonEnd), platform: word(play.platform),
            country: word(play.country),
            flags: PlayFlags(shuffle: play.shuffle, skipped: play.skipped, offline: play.offline, incognito: play.incognito)
                .rawValue,
            offlineTimestamp: play.offlineTimestamp ?? Self.noTimestamp, source: play.source)
    }

    /// Play `i`, rebuilt (for reports and tests; stores read the columns).
    public func play(at i: Int) -> Play {
        let item = items[Int(itemOfPlay[i])]
        func word(_ index: Int32) -> String? { index == Self.noWord ? nil : words[Int(index)] }
        let f = PlayFlags(rawValue: flags[i])
        return Play(
            kind: item.kind, endTime: endTimes[i], msPlayed: Int(milliseconds[i]), title: item.title,
            creator: item.creator, album: item.album, uri: item.uri, reasonStart: word(reasonStart[i]),
            reasonEnd: word(reasonEnd[i]), shuffle: f.shuffle, skipped: f.skipped, offline: f.offline,
            offlineTimestamp: offlineTimestamps[i] == Self.noTimestamp ? nil : offlineTimestamps[i],
            incognito: f.incognito, platform: word(platform[i]), country: word(country[i]),
            source: PlaySource(rawValue: sources[i]) ?? .spotify)
    }

    public var plays: [Play] { (0..<count).map(play(at:)) }
}

/// Four optional booleans in a byte, two bits each (0 unknown, 1 false, 2 true): shuffle, skipped
/// (shifted 2), offline (4) and incognito (6). Stores keep this value as it is.
public struct PlayFlags: Sendable, Equatable {
    public var rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public init(shuffle: Bool?, skipped: Bool?, offline: Bool?, incognito: Bool?) {
        func bits(_ b: Bool?) -> UInt8 { b == nil ? 0 : (b! ? 2 : 1) }
        rawValue = bits(shuffle) | bits(skipped) << 2 | bits(offline) << 4 | bits(incognito) << 6
    }

    private func value(_ shift: UInt8) -> Bool? {
        switch (rawValue >> shift) & 3 {
        case 1: return false
        case 2: return true
        default: return nil
        }
    }

    public var shuffle: Bool? { value(0) }
    public var skipped: Bool? { value(2) }
    public var offline: Bool? { value(4) }
    public var incognito: Bool? { value(6) }
}
