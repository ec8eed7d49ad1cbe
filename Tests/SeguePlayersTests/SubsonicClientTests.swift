import Foundation
import SegueHTTP
import SegueTestSupport
import Testing

@testable import SeguePlayers

/// The client against servers that answer badly: every failure is one sentence naming the server.
@Suite("Subsonic client") struct SubsonicClientTests {
    /// Connects to a hostile server in `mode` and returns the error.
    func failure(_ mode: String, options: SubsonicClient.Options = .init()) async throws -> (PlayerError, ServerProcess) {
        let server = try await HostileSubsonic.start(mode)
        do {
            _ = try await SubsonicClient.connect(server: server.url, user: "alice", password: "pw", options: options)
        } catch {
            return (error, server)
        }
        server.stop()
        throw TestServerError(description: "connecting to the \(mode) server succeeded")
    }

    @Test func garbageIsNotSubsonic() async throws {
        let (error, server) = try await failure("garbage")
        defer { server.stop() }
        #expect(error == .notSubsonic(server: server.url, method: "ping", detail: "the body is not JSON"))
        #expect(error.description.contains(server.url))
    }

    @Test func truncatedAndWrongShapeAnswers() async throws {
        let (truncated, a) = try await failure("truncated")
        defer { a.stop() }
        #expect(truncated == .notSubsonic(server: a.url, method: "ping", detail: "the body is not JSON"))
        let (shape, b) = try await failure("wrongshape")
        defer { b.stop() }
        #expect(shape == .notSubsonic(server: b.url, method: "ping", detail: "it has no subsonic-response object"))
    }

    @Test func httpErrorStatus() async throws {
        let (error, server) = try await failure("http500")
        defer { server.stop() }
        #expect(error == .httpStatus(server: server.url, method: "ping", status: 500))
    }

    @Test func hugeAnswerIsRefused() async throws {
        let (error, server) = try await failure("huge")
        defer { server.stop() }
        #expect(error == .answerTooLarge(server: server.url, method: "ping", limit: 16 << 20))
    }

    @Test func silentServerTimesOut() async throws {
        var options = SubsonicClient.Options()
        options.timeout = .seconds(2)
        let started = Date()
        let (error, server) = try await failure("silent", options: options)
        defer { server.stop() }
        guard case .unreachable(let name, _) = error else {
            Issue.record("expected unreachable, got \(error)")
            return
        }
        #expect(name == server.url)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func refusedConnection() async throws {
        let port = try LoopbackPort.free()
        await #expect(throws: PlayerError.self) {
            _ = try await SubsonicClient.connect(server: "http://127.0.0.1:\(port)", user: "u", password: "p")
        }
    }

    @Test func subsonicErrorNamesServerAndMessage() async throws {
        let (error, server) = try await failure("badcredentials")
        defer { server.stop() }
        #expect(error == .failed(server: server.url, method: "ping", code: 40, message: "Wrong username or password"))
        #expect(
            error.description
                == "The Subsonic server at \(server.url) refused ping: Wrong username or password (Subsonic error 40).")
    }

    @Test func wrongTypesInSearch() async throws {
        let server = try await HostileSubsonic.start("wrongtypes")
        defer { server.stop() }
        let client = try await SubsonicClient.connect(server: server.url, user: "alice", password: "pw")
        await #expect(
            throws: PlayerError.notSubsonic(server: server.url, method: "search3", detail: "subsonic-response.searchResult3.song has the wrong type")
        ) {
            _ = try await client.search3("x")
        }
    }

    /// API 1.13 and later: a salted token in the POST body; never the password, never anything in the URL.
    @Test func tokenAuthenticationForModernServers() async throws {
        let server = try await HostileSubsonic.start("modern")
        defer { server.stop() }
        var options = SubsonicClient.Options()
        options.salt = { "c19b2d" }
        let client = try await SubsonicClient.connect(server: server.url, user: "alice", password: "sesame", options: options)
        #expect(client.authentication == .token)
        #expect(client.apiVersion == SubsonicVersion(1, 16, 1))
        let requests = try HostileSubsonic.requests(server)
        #expect(requests.count == 2)
        for r in requests {
            #expect(r.method == "POST")
            #expect(r.target == "/rest/ping")
            #expect(!r.body.contains("sesame"))
        }
        #expect(requests[1].body.contains("t=26719a1196d2a940705a59634eb18eab&s=c19b2d"))
        #expect(!requests[1].body.contains("p="))
    }

    /// Before 1.13 (supysonic): the password in the form-encoded POST body, still not in the URL.
    @Test func passwordInBodyForOldServers() async throws {
        let server = try await HostileSubsonic.start("old")
        defer { server.stop() }
        let client = try await SubsonicClient.connect(server: server.url + "/", user: "alice", password: "a&b=c d", options: .init())
        #expect(client.authentication == .password)
        let requests = try HostileSubsonic.requests(server)
        #expect(requests.allSatisfy { !$0.target.contains("?") && !$0.target.contains("a&b") })
        #expect(requests[1].body.contains("p=a%26b%3Dc%20d"))
    }

    /// A 1.13+ server whose account cannot use tokens (error 41, LDAP users) gets the password in the
    /// POST body instead; still nothing in a URL.
    @Test func accountsWithoutTokensFallBackToThePasswordInTheBody() async throws {
        let server = try await HostileSubsonic.start("notokens")
        defer { server.stop() }
        let client = try await SubsonicClient.connect(server: server.url, user: "alice", password: "sesame")
        #expect(client.authentication == .password)
        _ = try await client.call("ping", [])
        let requests = try HostileSubsonic.requests(server)
        #expect(requests.count == 4)
        #expect(requests.allSatisfy { $0.method == "POST" && !$0.target.contains("?") })
        #expect(requests[1].body.contains("t=") && !requests[1].body.contains("p="))
        #expect(requests[2].body.contains("p=sesame") && requests[3].body.contains("p=sesame"))
    }

    @Test func addressesWithCredentialsOrQueriesAreRefused() {
        #expect(throws: PlayerError.self) { try SubsonicClient.validatedBase("http://alice:pw@music.example") }
        #expect(throws: PlayerError.self) { try SubsonicClient.validatedBase("http://music.example/?u=alice&p=pw") }
        #expect(throws: PlayerError.self) { try SubsonicClient.validatedBase("ftp://music.example") }
        #expect(throws: PlayerError.self) { try SubsonicClient.validatedBase("music.example") }
        #expect((try? SubsonicClient.validatedBase("https://music.example/navidrome/rest/"))?.absoluteString == "https://music.example/navidrome")
    }

    @Test func md5MatchesRFC1321AndTheSubsonicExample() {
        #expect(MD5.hex(Array("".utf8)) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex(Array("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(
            MD5.hex(Array("12345678901234567890123456789012345678901234567890123456789012345678901234567890".utf8))
                == "57edf4a22be3c955ac49da2e2107b67a")
        #expect(SubsonicClient.token(password: "sesame", salt: "c19b2d") == "26719a1196d2a940705a59634eb18eab")
    }

    @Test func versions() {
        #expect(SubsonicVersion("1.12.0")! < SubsonicVersion("1.13")!)
        #expect(SubsonicVersion("1.16.1")! >= SubsonicVersion(1, 13, 0))
        #expect(SubsonicVersion("one.two") == nil)
        #expect(SubsonicVersion("1.99999999999999999999.0") == nil)
    }
}
