/// The pixel size of a JPEG or PNG image read from its header alone, so an embedded cover's size is
/// known before any decoder allocates a frame for it.
public enum ImageHeader {
    /// The image kinds whose headers `size(of:)` reads.
    public enum Kind: String, Sendable, Equatable {
        case jpeg, png

        /// The ffmpeg demuxer for a single image of this kind.
        var ffmpegFormat: String { self == .jpeg ? "jpeg_pipe" : "png_pipe" }
    }

    /// Kind, width and height from the first bytes of an image, or nil when they are not a JPEG
    /// (SOF marker found) or PNG (IHDR) header. Never traps, whatever the bytes; width × height fits in
    /// an `Int`.
    public static func size(of bytes: UnsafeRawBufferPointer) -> (kind: Kind, width: Int, height: Int)? {
        let n = bytes.count
        func u16(_ i: Int) -> Int { i + 1 < n ? Int(bytes[i]) << 8 | Int(bytes[i + 1]) : 0 }
        func u32(_ i: Int) -> Int { i + 3 < n ? u16(i) << 16 | u16(i + 2) : 0 }
        let pngMagic: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if n >= 24, (0..<8).allSatisfy({ bytes[$0] == pngMagic[$0] }), bytes[12] == 0x49, bytes[13] == 0x48, bytes[14] == 0x44,
            bytes[15] == 0x52
        {
            // PNG dimensions are at most 2^31 - 1 (ISO 15948); larger is not a PNG, and would make
            // width × height overflow.
            let width = u32(16)
            let height = u32(20)
            guard width <= Int(Int32.max), height <= Int(Int32.max) else { return nil }
            return (.png, width, height)
        }
        guard n >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        // Walk the JPEG segments up to the first start-of-frame marker (C0-CF except C4, C8, CC).
        var i = 2
        while i + 3 < n {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            if marker == 0xFF {
                i += 1
                continue
            }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {
                i += 2
                continue
            }
            let length = u16(i + 2)
            guard length >= 2 else { return nil }
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                guard i + 8 < n else { return nil }
                return (.jpeg, u16(i + 7), u16(i + 5))
            }
            i += 2 + length
        }
        return nil
    }
}
