import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP/1.1 exchange at a time over SwiftNIO (plain or TLS), for Segue's few outgoing calls:
/// the alert webhook, the Spotify Web API and the load simulator.
///
/// Foundation's `URLSession` lives in FoundationNetworking, which links libcurl and some thirty
/// libraries behind it into every `segue` process: about 11 ms of start-up for each command, most
/// of which never makes a request. NIO is in the process already (the web app, PostgreSQL).
/// Each request opens its own connection (`Connection: close`).
public enum HTTPFetch {
    public typealias Method = HTTPMethod

    /// An answer: status, headers and the whole body.
    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: [UInt8]

        public var data: Data { Data(body) }
        /// The first value of the header `name` (case-insensitive).
        public func header(_ name: String) -> String? { headers.first(name: name) }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unsupportedURL(String)
        case timedOut(String)
        case closedEarly(String)
        case bodyTooLarge(String, limit: Int)

        public var description: String {
            switch self {
            case .unsupportedURL(let url): return "not an http or https URL: \(url)"
            case .timedOut(let url): return "no complete answer in time from \(url)"
            case .closedEarly(let url): return "the connection to \(url) closed before a complete answer"
            case .bodyTooLarge(let url, let limit): return "the answer from \(url) is larger than \(limit) bytes"
            }
        }
    }

    /// TLS for https, with the system's trust roots (made once).
    private static let tls: Result<NIOSSLContext, any Error> = Result {
        try NIOSSLContext(configuration: .makeClientConfiguration())
    }

    /// Sends one request and waits for the whole answer.
    /// - Parameters:
    ///   - headers: sent as given (`Host`, `Content-Length` and `Connection` are added).
    ///   - timeout: for connecting and for the whole exchange.
    ///   - maxBody: larger answers fail with `Failure.bodyTooLarge`.
    /// - Throws: `Failure`, or NIO's and NIOSSL's errors (refused connection, bad certificate).
    public static func send(
        _ method: Method, _ url: URL, headers: [(String, String)] = [], body: [UInt8]? = nil,
        timeout: Duration = .seconds(30), maxBody: Int = 64 << 20
    ) async throws -> Response {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let components = URLComponents(url: url, resolvingAgainstBaseURL: false), let host = components.host,
            !host.isEmpty
        else { throw Failure.unsupportedURL(url.absoluteString) }
        let secure = scheme == "https"
        let port = components.port ?? (secure ? 443 : 80)
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        let context = secure ? try tls.get() : nil
        // An IP literal is no server name for TLS.
        let serverName = host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let limit = TimeAmount.nanoseconds(max(1, nanoseconds))

        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(limit)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: context, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                }
            }
            .connect(host: host, port: port).get()
        let promise = channel.eventLoop.makePromise(of: Response.self)
        let name = url.absoluteString
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(Collector(promise: promise, url: name, maxBody: maxBody))
            }.get()
        } catch {
            promise.fail(error)
            channel.close(promise: nil)
            throw error
        }
        let deadline = channel.eventLoop.scheduleTask(in: limit) {
            channel.pipeline.fireErrorCaught(Failure.timedOut(name))
        }
        defer { deadline.cancel() }

        var head = HTTPRequestHead(version: .http1_1, method: method, uri: target)
        head.headers.add(name: "Host", value: components.port == nil ? host : "\(host):\(port)")
        for (field, value) in headers { head.headers.add(name: field, value: value) }
        if let body { head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count)) }
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body, !body.isEmpty { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        return try await promise.futureResult.get()
    }

    /// Gathers the answer and completes the promise once (the end, an error, a timeout or a close).
    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        private let promise: EventLoopPromise<Response>
        private let url: String
        private let maxBody: Int
        private var head: HTTPResponseHead?
        private var body: [UInt8] = []
        private var done = false

        init(promise: EventLoopPromise<Response>, url: String, maxBody: Int) {
            self.promise = promise
            self.url = url
            self.maxBody = maxBody
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !done else { return }
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
            case .body(var buffer):
                guard body.count + buffer.readableBytes <= maxBody else {
                    finish(context, .failure(Failure.bodyTooLarge(url, limit: maxBody)))
                    return
                }
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return finish(context, .failure(Failure.closedEarly(url))) }
                finish(context, .success(Response(status: Int(head.status.code), headers: head.headers, body: body)))
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            finish(context, .failure(error))
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish(context, .failure(Failure.closedEarly(url)))
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            finish(context, .failure(Failure.closedEarly(url)))
        }

        private func finish(_ context: ChannelHandlerContext, _ result: Result<Response, any Error>) {
            guard !done else { return }
            done = true
            promise.completeWith(result)
            context.close(promise: nil)
        }
    }
}
