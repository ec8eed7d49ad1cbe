import CCairo

/// PNG bytes to and from Cairo image surfaces, in memory.
enum PNGCoding {
    private final class Sink {
        var bytes: [UInt8] = []
    }

    private final class Source {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    static func encode(_ surface: OpaquePointer) throws(GraphicsError) -> [UInt8] {
        let sink = Sink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        let status = cairo_surface_write_to_png_stream(
            surface,
            { closure, data, length in
                guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                let sink = Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue()
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                return CAIRO_STATUS_SUCCESS
            }, box.toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else {
            throw .writeFailed(path: "<memory>", reason: String(cString: cairo_status_to_string(status)))
        }
        return sink.bytes
    }

    /// A surface decoded from PNG bytes, or nil when they are not a readable PNG.
    static func decode(_ bytes: [UInt8]) -> OpaquePointer? {
        let source = Source(bytes)
        let box = Unmanaged.passRetained(source)
        defer { box.release() }
        let surface = cairo_image_surface_create_from_png_stream(
            { closure, data, length in
                guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
                let source = Unmanaged<Source>.fromOpaque(closure).takeUnretainedValue()
                let n = Int(length)
                guard source.offset + n <= source.bytes.count else { return CAIRO_STATUS_READ_ERROR }
                source.bytes.withUnsafeBufferPointer {
                    data.update(from: $0.baseAddress! + source.offset, count: n)
                }
                source.offset += n
                return CAIRO_STATUS_SUCCESS
            }, box.toOpaque())
        guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            if let surface { cairo_surface_destroy(surface) }
            return nil
        }
        return surface
    }
}
