import Foundation

/// Sends frames to an encoder service (`segue encoder serve`, the GPU box of a scaled deployment)
/// and writes the video it returns.
///
/// One HTTP/1.1 `POST /v1/encode` per video: the settings travel as JSON in the
/// `X-Segue-Video-Settings` header, the frames as a chunked body already in the pipe format (YUV
/// 4:2:0 for MP4 and WebM, converted here, so 1.5 bytes a pixel cross the network rather than 4).
/// The socket is blocking: when the service (or its ffmpeg) falls behind, `write` waits, which is
/// the back-pressure. The answer is the encoded file, written to a temporary name beside `output`
/// and renamed when complete.
public final class RemoteFrameEncoder: FrameSink {
    public let settings: VideoSettings
    public let outputPath: String
    public let service: URL
    public private(set) var framesWritten = 0
    public private(set) var encoderName: String

    private var socket: Int32 = -1
    private var finished = false
    private let conversion: FrameConversion

    /// The encoder service's token from `SEGUE_ENCODER_TOKEN` (an environment variable, so that it shows neither in
    /// the process list nor in error messages that quote the address).
    public static func token(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        environment["SEGUE_ENCODER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Connects and starts the request.
    /// - Parameter token: sent as `Authorization: Bearer` (`segue encoder serve` requires one).
    /// - Throws: `MediaError.oddSize` and other settings problems, `.encoderService` when the
    ///   service cannot be reached.
    public init(service: URL, settings: VideoSettings, output: String, token: String? = nil) throws(MediaError) {
        let token = token ?? Self.token()
        guard settings.width % 2 == 0, settings.height % 2 == 0 else {
            throw .oddSize(width: settings.width, height: settings.height)
        }
        if let problem = settings.problem { throw .encoderService(url: service.absoluteString, reason: problem) }
        MediaSignals.ignoreSIGPIPE()
        self.service = service
        self.settings = settings
        self.outputPath = output
        self.encoderName = settings.container == .mp4 ? settings.h264.rawValue : (settings.container == .gif ? "gif" : "libvpx-vp9")
        conversion = FrameConversion(settings: settings)
        guard service.scheme == "http", let host = service.host else {
            throw .encoderService(url: service.absoluteString, reason: "use an http://host:port address")
        }
        let port = service.port ?? 80
        socket = try Self.connect(host: host, port: port, url: service.absoluteString)
        let json: String
        do {
            json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        } catch {
            throw .encoderService(url: service.absoluteString, reason: "cannot encode the settings: \(error)")
        }
        let head =
            "POST /v1/encode HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: application/octet-stream\r\n"
            + "X-Segue-Video-Settings: \(json)\r\n" + (token.map { "Authorization: Bearer \($0)\r\n" } ?? "")
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        try send(Array(head.utf8))
    }

    deinit {
        if !finished { cancel() }
    }

    /// Sends the whole frame (the service keeps no earlier frame to patch), so `changedRows` is unused.
    public func write(_ frame: UnsafeRawBufferPointer, changedRows: [Range<Int>]?) throws(MediaError) {
        let bytes = try conversion.pipeBytes(frame)
        try send(Array(String(bytes.count, radix: 16).utf8) + [13, 10])
        try send(bytes)
        try send([13, 10])
        framesWritten += 1
    }

    /// Ends the body, reads the answer and moves the video into place.
    public func finish() throws(MediaError) -> Int {
        guard !finished else { return 0 }
        try send(Array("0\r\n\r\n".utf8))
        finished = true
        defer { closeSocket() }
        let (status, headers, body) = try readResponse()
        guard status == 200 else {
            throw .encoderService(url: service.absoluteString, reason: Self.errorMessage(status: status, body: body))
        }
        if let name = headers["x-segue-encoder"] { encoderName = name }
        let url = URL(fileURLWithPath: outputPath)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
        do {
            try Data(body).write(to: temporary)
        } catch {
            throw .outputNotWritable(path: outputPath, reason: "\(error)")
        }
        guard rename(temporary.path, outputPath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw .outputNotWritable(path: outputPath, reason: reason)
        }
        return body.count
    }

    /// Drops the connection: the service stops its ffmpeg and keeps nothing.
    public func cancel() {
        guard !finished else { return }
        finished = true
        closeSocket()
    }

    // MARK: Socket

    private static func connect(host: String, port: Int, url: String) throws(MediaError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw .encoderService(url: url, reason: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            let fd = Foundation.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if Foundation.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    return fd
                }
                lastError = String(cString: strerror(errno))
                close(fd)
            }
            candidate = info.pointee.ai_next
        }
        throw .encoderService(url: url, reason: "cannot connect: \(lastError)")
    }

    private func send(_ bytes: [UInt8]) throws(MediaError) {
        let outcome = bytes.withUnsafeBytes { b in Result { () throws(MediaError) in try send(b) } }
        try outcome.get()
    }

    private func send(_ bytes: UnsafeRawBufferPointer) throws(MediaError) {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = Foundation.send(socket, pointer, remaining, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                // The service may have answered (and closed) early with the reason.
                finished = true
                let answer = try? readResponse()
                closeSocket()
                if let answer, answer.status != 200 {
                    throw .encoderService(url: service.absoluteString, reason: Self.errorMessage(status: answer.status, body: answer.body))
                }
                throw .encoderService(url: service.absoluteString, reason: "connection lost: \(reason)")
            }
            remaining -= n
            pointer += n
        }
    }

    private func closeSocket() {
        if socket >= 0 {
            close(socket)
            socket = -1
        }
    }

    /// Reads the whole answer (the service closes the connection after it).
    private func readResponse() throws(MediaError) -> (status: Int, headers: [String: String], body: [UInt8]) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .encoderService(url: service.absoluteString, reason: "reading the answer: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        guard let end = Self.find([13, 10, 13, 10], in: data) else {
            throw .encoderService(url: service.absoluteString, reason: "no HTTP answer")
        }
        let head = String(decoding: data[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw .encoderService(url: service.absoluteString, reason: "malformed HTTP answer")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            body = try Self.dechunk(body, url: service.absoluteString)
        } else if let length = headers["content-length"].flatMap(Int.init), body.count > length {
            body = Array(body[0..<length])
        }
        return (status, headers, body)
    }

    /// The index of the first `needle` in `data` at or after `start`.
    private static func find(_ needle: [UInt8], in data: [UInt8], from start: Int = 0) -> Int? {
        guard data.count >= needle.count, start <= data.count - needle.count else { return nil }
        outer: for i in start...(data.count - needle.count) {
            for k in needle.indices where data[i + k] != needle[k] { continue outer }
            return i
        }
        return nil
    }

    private static func dechunk(_ data: [UInt8], url: String) throws(MediaError) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            guard let lineEnd = find([13, 10], in: data, from: i) else { break }
            let sizeText = String(decoding: data[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw .encoderService(url: url, reason: "malformed chunked answer")
            }
            i = lineEnd + 2
            if size == 0 { break }
            guard i + size <= data.count else { throw .encoderService(url: url, reason: "truncated answer") }
            out.append(contentsOf: data[i..<(i + size)])
            i += size + 2
        }
        return out
    }

    private static func errorMessage(status: Int, body: [UInt8]) -> String {
        if let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let error = json["error"] as? String {
            return "HTTP \(status): \(error)"
        }
        return "HTTP \(status)"
    }
}
