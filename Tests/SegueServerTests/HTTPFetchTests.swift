import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import SegueHTTP
import Testing

/// Segue's outgoing HTTP client (`HTTPFetch`) against a real local server, and against sockets
/// that never answer or refuse.
@Suite struct HTTPFetchTests {
    func server() -> some ApplicationProtocol {
        let router = Router()
        router.post("echo") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let q = request.uri.queryParameters.get("q") ?? ""
            return Response(
                status: .created, headers: [HTTPField.Name("X-Query")!: q, .contentType: "text/plain"],
                body: .init(byteBuffer: body))
        }
        router.get("big") { _, _ -> Response in
            // Streamed in pieces (chunked transfer encoding): the client must join them.
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for i in 0..<50 { try await writer.write(ByteBuffer(bytes: [UInt8](repeating: UInt8(i), count: 4000))) }
                    try await writer.finish(nil)
                })
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func postsABodyAndReadsStatusHeadersAndAChunkedAnswer() async throws {
        try await server().test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let echoed = try await HTTPFetch.send(
                .POST, URL(string: base + "/echo?q=caf%C3%A9%20%26%20co")!, headers: [("Content-Type", "text/plain")],
                body: Array("hello, 世界".utf8))
            #expect(echoed.status == 201)
            #expect(echoed.header("x-query") == "café & co")
            #expect(String(decoding: echoed.body, as: UTF8.self) == "hello, 世界")
            let big = try await HTTPFetch.send(.GET, URL(string: base + "/big")!)
            #expect(big.status == 200 && big.body.count == 200_000)
            #expect(big.body[0] == 0 && big.body[199_999] == 49)
            await #expect(throws: HTTPFetch.Failure.bodyTooLarge(base + "/big", limit: 1000)) {
                _ = try await HTTPFetch.send(.GET, URL(string: base + "/big")!, maxBody: 1000)
            }
        }
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        // A listening socket nobody accepts on: the connection opens, no answer ever comes.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(bound == 0 && listen(fd, 8) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let url = URL(string: "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/x")!
        // The deadline fires on NIO's event loop; this task may resume much later when the whole
        // suite keeps the cooperative threads busy (seen: 140 s in CI), so no wall-clock bound here.
        // Without the deadline the request would wait for ever and the suite would not end.
        await #expect(throws: HTTPFetch.Failure.timedOut(url.absoluteString)) {
            _ = try await HTTPFetch.send(.GET, url, timeout: .milliseconds(300))
        }
    }

    @Test func otherSchemesAndClosedPortsFailClearly() async throws {
        await #expect(throws: HTTPFetch.Failure.unsupportedURL("ftp://example.org/a")) {
            _ = try await HTTPFetch.send(.GET, URL(string: "ftp://example.org/a")!)
        }
        // Port 1 on loopback: nothing listens, the connection is refused.
        await #expect(throws: (any Error).self) {
            _ = try await HTTPFetch.send(.GET, URL(string: "http://127.0.0.1:1/")!, timeout: .seconds(2))
        }
    }
}
