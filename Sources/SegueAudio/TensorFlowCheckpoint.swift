import Foundation

/// A TensorFlow checkpoint in the V2 "tensor bundle" format, read without TensorFlow.
///
/// `PREFIX.index` is an immutable sorted table in LevelDB's layout (data blocks of prefix-compressed
/// keys, an index block pointing at them, a 48-byte footer with a magic number; every block ends in a
/// type byte and a masked CRC-32C). Its keys are tensor names and its values `BundleEntryProto`
/// messages (dtype, shape, shard, offset, size, masked CRC-32C of the bytes); the empty key holds the
/// `BundleHeaderProto`. `PREFIX.data-00000-of-00001` holds the tensors' raw little-endian bytes.
/// Every block and every tensor read is checked against its checksum.
public struct TensorFlowCheckpoint: Sendable {
    /// Where one tensor is and what it is.
    public struct Entry: Sendable, Equatable {
        /// TensorFlow's `DataType` number (1 = float32).
        public var dataType: Int
        public var shape: [Int]
        public var shard: Int
        public var offset: Int
        public var size: Int
        /// The masked CRC-32C of the tensor's bytes.
        public var maskedCRC: UInt32
    }

    public let prefix: String
    public let entries: [String: Entry]
    public let shardCount: Int
    private let shards: [[UInt8]]

    /// The file name of a checkpoint's index (`prefix.index`).
    public static func indexPath(prefix: String) -> String { prefix + ".index" }

    /// The file name of data shard `shard` of `count`.
    public static func dataPath(prefix: String, shard: Int, of count: Int) -> String {
        prefix + ".data-" + String(format: "%05d-of-%05d", shard, count)
    }

    /// Reads the index and the data shards of the checkpoint at `prefix` (for musicnn's models the
    /// prefix is the model folder with a trailing slash: the files are `.index` and `.data-…`).
    /// - Throws: `AudioError.checkpoint` naming the file when one is missing, truncated or corrupt.
    public init(prefix: String) throws(AudioError) {
        self.prefix = prefix
        let indexPath = Self.indexPath(prefix: prefix)
        let index = try Self.readFile(indexPath)
        let table = SortedTable(bytes: index, path: indexPath)
        var entries: [String: Entry] = [:]
        var header: (shards: Int, endianness: Int)?
        try table.forEach { (key: [UInt8], value: ArraySlice<UInt8>) throws(AudioError) in
            if key.isEmpty {
                header = try Self.decodeHeader(value, path: indexPath)
            } else {
                entries[String(decoding: key, as: UTF8.self)] = try Self.decodeEntry(value, path: indexPath)
            }
        }
        guard let header else { throw .checkpoint(path: indexPath, reason: "no bundle header (is this a V2 checkpoint?)") }
        guard header.endianness == 0 else { throw .checkpoint(path: indexPath, reason: "big-endian checkpoints are not supported") }
        shardCount = header.shards
        self.entries = entries
        var shards: [[UInt8]] = []
        for shard in 0..<header.shards {
            shards.append(try Self.readFile(Self.dataPath(prefix: prefix, shard: shard, of: header.shards)))
        }
        self.shards = shards
    }

    /// The float32 tensor `name` in row-major order, checked against its checksum.
    /// - Throws: `AudioError.checkpoint` when the tensor is absent, not float32, out of the shard's
    ///   bounds or its bytes do not match their checksum.
    public func floats(_ name: String) throws(AudioError) -> (shape: [Int], values: [Float]) {
        let indexPath = Self.indexPath(prefix: prefix)
        guard let entry = entries[name] else { throw .checkpoint(path: indexPath, reason: "no tensor named \(name)") }
        guard entry.dataType == 1 else {
            throw .checkpoint(path: indexPath, reason: "\(name) has data type \(entry.dataType), not float32 (1)")
        }
        let dataPath = Self.dataPath(prefix: prefix, shard: entry.shard, of: shardCount)
        let count = entry.shape.reduce(1, *)
        guard entry.shard < shards.count, entry.size == count * 4, entry.offset >= 0,
            entry.offset + entry.size <= shards[entry.shard].count
        else {
            throw .checkpoint(path: dataPath, reason: "\(name) lies outside the file (truncated?)")
        }
        let values = shards[entry.shard].withUnsafeBytes { raw -> [Float]? in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[entry.offset..<(entry.offset + entry.size)])
            guard CRC32C.masked(CRC32C.checksum(bytes)) == entry.maskedCRC else { return nil }
            return (0..<count).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        guard let values else { throw .checkpoint(path: dataPath, reason: "checksum mismatch in tensor \(name): the file is corrupt") }
        return (entry.shape, values)
    }

    private static func readFile(_ path: String) throws(AudioError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw .checkpoint(path: path, reason: "no such file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw .checkpoint(path: path, reason: "cannot read") }
        return [UInt8](data)
    }

    // MARK: Protocol buffers (only the wire format the two messages need).

    private static func decodeHeader(_ bytes: ArraySlice<UInt8>, path: String) throws(AudioError) -> (shards: Int, endianness: Int) {
        var shards = 1
        var endianness = 0
        var reader = ProtoReader(bytes: bytes, path: path)
        while let (field, wire) = try reader.nextField() {
            switch (field, wire) {
            case (1, 0): shards = Int(try reader.varint())
            case (2, 0): endianness = Int(try reader.varint())
            default: try reader.skip(wire)
            }
        }
        return (shards, endianness)
    }

    private static func decodeEntry(_ bytes: ArraySlice<UInt8>, path: String) throws(AudioError) -> Entry {
        var entry = Entry(dataType: 0, shape: [], shard: 0, offset: 0, size: 0, maskedCRC: 0)
        var reader = ProtoReader(bytes: bytes, path: path)
        while let (field, wire) = try reader.nextField() {
            switch (field, wire) {
            case (1, 0): entry.dataType = Int(try reader.varint())
            case (2, 2): entry.shape = try decodeShape(try reader.lengthDelimited(), path: path)
            case (3, 0): entry.shard = Int(try reader.varint())
            case (4, 0): entry.offset = Int(try reader.varint())
            case (5, 0): entry.size = Int(try reader.varint())
            case (6, 5): entry.maskedCRC = try reader.fixed32()
            case (7, 2): throw .checkpoint(path: path, reason: "partitioned (sliced) variables are not supported")
            default: try reader.skip(wire)
            }
        }
        return entry
    }

    private static func decodeShape(_ bytes: ArraySlice<UInt8>, path: String) throws(AudioError) -> [Int] {
        var dims: [Int] = []
        var reader = ProtoReader(bytes: bytes, path: path)
        while let (field, wire) = try reader.nextField() {
            guard field == 2, wire == 2 else {
                try reader.skip(wire)
                continue
            }
            var dim = ProtoReader(bytes: try reader.lengthDelimited(), path: path)
            var size = 0
            while let (f, w) = try dim.nextField() {
                if f == 1, w == 0 { size = Int(Int64(bitPattern: try dim.varint())) } else { try dim.skip(w) }
            }
            dims.append(size)
        }
        return dims
    }
}

/// Reads protocol-buffer wire format: varints, fixed32 and length-delimited fields.
struct ProtoReader {
    let bytes: ArraySlice<UInt8>
    let path: String
    var position: Int

    init(bytes: ArraySlice<UInt8>, path: String) {
        self.bytes = bytes
        self.path = path
        position = bytes.startIndex
    }

    var atEnd: Bool { position >= bytes.endIndex }

    mutating func varint() throws(AudioError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.endIndex, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw .checkpoint(path: path, reason: "truncated or malformed varint")
    }

    mutating func fixed32() throws(AudioError) -> UInt32 {
        guard position + 4 <= bytes.endIndex else { throw .checkpoint(path: path, reason: "truncated fixed32") }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return value
    }

    mutating func lengthDelimited() throws(AudioError) -> ArraySlice<UInt8> {
        let length = Int(try varint())
        guard length >= 0, position + length <= bytes.endIndex else { throw .checkpoint(path: path, reason: "truncated field") }
        defer { position += length }
        return bytes[position..<(position + length)]
    }

    /// The next field number and wire type, or nil at the end.
    mutating func nextField() throws(AudioError) -> (Int, Int)? {
        guard !atEnd else { return nil }
        let tag = try varint()
        return (Int(tag >> 3), Int(tag & 7))
    }

    mutating func skip(_ wire: Int) throws(AudioError) {
        switch wire {
        case 0: _ = try varint()
        case 1: position += 8
        case 2: _ = try lengthDelimited()
        case 5: position += 4
        default: throw .checkpoint(path: path, reason: "unknown protobuf wire type \(wire)")
        }
        guard position <= bytes.endIndex else { throw .checkpoint(path: path, reason: "truncated field") }
    }
}

/// An immutable sorted table in LevelDB's file layout (TensorFlow's `table` library).
struct SortedTable {
    static let magic: UInt64 = 0xdb47_7524_8b80_fb57
    static let footerSize = 48
    let bytes: [UInt8]
    let path: String

    /// Calls `body` with every key and value, in key order; each block is checked against its CRC.
    func forEach(_ body: ([UInt8], ArraySlice<UInt8>) throws(AudioError) -> Void) throws(AudioError) {
        guard bytes.count >= Self.footerSize else { throw .checkpoint(path: path, reason: "too short for a table footer (truncated?)") }
        let footerStart = bytes.count - Self.footerSize
        var magic: UInt64 = 0
        for i in 0..<8 { magic |= UInt64(bytes[bytes.count - 8 + i]) << (8 * UInt64(i)) }
        guard magic == Self.magic else { throw .checkpoint(path: path, reason: "not a TensorFlow table (bad magic number)") }
        var footer = ProtoReader(bytes: bytes[footerStart..<(bytes.count - 8)], path: path)
        _ = try footer.varint()  // metaindex offset
        _ = try footer.varint()  // metaindex size
        let indexOffset = Int(try footer.varint())
        let indexSize = Int(try footer.varint())
        let index = try block(offset: indexOffset, size: indexSize)
        try Self.entries(of: index, path: path) { (_: [UInt8], handle: ArraySlice<UInt8>) throws(AudioError) in
            var reader = ProtoReader(bytes: handle, path: path)
            let offset = Int(try reader.varint())
            let size = Int(try reader.varint())
            try Self.entries(of: try block(offset: offset, size: size), path: path, body)
        }
    }

    /// A block's contents, after checking its trailer (type byte and masked CRC-32C).
    private func block(offset: Int, size: Int) throws(AudioError) -> ArraySlice<UInt8> {
        guard offset >= 0, size >= 0, offset + size + 5 <= bytes.count else {
            throw .checkpoint(path: path, reason: "a block lies outside the file (truncated?)")
        }
        let type = bytes[offset + size]
        var stored: UInt32 = 0
        for i in 0..<4 { stored |= UInt32(bytes[offset + size + 1 + i]) << (8 * UInt32(i)) }
        let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + size + 1)])) }
        guard CRC32C.masked(crc) == stored else {
            throw .checkpoint(path: path, reason: "block checksum mismatch at byte \(offset): the file is corrupt")
        }
        guard type == 0 else { throw .checkpoint(path: path, reason: "compressed blocks (type \(type)) are not supported") }
        return bytes[offset..<(offset + size)]
    }

    /// The entries of one block: keys share a prefix with the key before; restart points trail.
    private static func entries(
        of block: ArraySlice<UInt8>, path: String, _ body: ([UInt8], ArraySlice<UInt8>) throws(AudioError) -> Void
    ) throws(AudioError) {
        guard block.count >= 4 else { throw .checkpoint(path: path, reason: "block too short") }
        var restarts: UInt32 = 0
        for i in 0..<4 { restarts |= UInt32(block[block.endIndex - 4 + i]) << (8 * UInt32(i)) }
        let dataEnd = block.endIndex - 4 - 4 * Int(restarts)
        guard dataEnd >= block.startIndex else { throw .checkpoint(path: path, reason: "bad restart count in a block") }
        var reader = ProtoReader(bytes: block[block.startIndex..<dataEnd], path: path)
        var key: [UInt8] = []
        while !reader.atEnd {
            let shared = Int(try reader.varint())
            let unshared = Int(try reader.varint())
            let valueLength = Int(try reader.varint())
            let start = reader.position
            guard shared <= key.count, start + unshared + valueLength <= dataEnd else {
                throw .checkpoint(path: path, reason: "malformed block entry")
            }
            key.removeSubrange(shared...)
            key.append(contentsOf: block[start..<(start + unshared)])
            reader.position = start + unshared + valueLength
            try body(key, block[(start + unshared)..<(start + unshared + valueLength)])
        }
    }
}
