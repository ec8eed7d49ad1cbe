import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueJobs
import SegueMedia
import SegueStore
import SegueTestSupport
import Testing

@testable import SegueServer

@Suite("Recap video API", .serialized)
struct RecapVideoAPITests {
    func message(_ response: TestResponse) -> String {
        let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return ((object?["error"] as? [String: Any])?["message"] as? String) ?? String(buffer: response.body)
    }

    /// Careless requests, the job on the queue with its progress, one job for two clicks, the file
    /// (probed: H.264, 1080x1920, 30-45 s) and the page's player.
    func checkVideo(_ server: TestServer) async throws {
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let browser = Browser(client)
                try await browser.start()
                let early = try await browser.request("/api/v1/recap/video?year=2024", .post)
                #expect(early.status == .conflict && message(early).lowercased().contains("import your history"), "\(message(early))")
                let imported = try await browser.importExport(try RecapAPITests.history())
                #expect(imported["state"] as? String == "succeeded", "\(imported)")

                // Careless and hostile: one sentence naming the parameter, nothing queued.
                for (query, word) in [
                    ("year=abc", "year"), ("year=99999", "year"), ("from=2024-05-01&to=2024-03-01", "to"),
                    ("from=2024-13-40&to=2024-12-31", "from"), ("year=2024&tz=Not/AZone", "tz"), ("year=2024&metric=plays", "metric"),
                    ("year=2024&source=%3Cscript%3E", "source"),
                ] {
                    let response = try await browser.request("/api/v1/recap/video?\(query)", .post)
                    #expect(response.status == .badRequest, "\(query): \(response.status)")
                    let text = message(response)
                    #expect(text.lowercased().contains(word) && !text.contains("<script>"), "\(query): \(text)")
                }
                let forged = try await browser.request("/api/v1/recap/video?year=2024", .post, csrf: false)
                #expect(forged.status == .forbidden)
                let jobs = try await browser.jsonObject("/api/v1/jobs") as? [[String: Any]] ?? []
                #expect(!jobs.contains { $0["kind"] as? String == RecapVideoParameters.kind })

                // Two clicks: one job. Another year while it runs: a 409 that says why.
                let first = try await browser.request("/api/v1/recap/video?year=2024", .post)
                #expect(first.status == .accepted)
                let job = try #require(try JSONSerialization.jsonObject(with: Data(buffer: first.body)) as? [String: Any])
                let id = try #require(job["id"] as? String)
                #expect(job["kind"] as? String == "recap-video")
                let second = try await browser.request("/api/v1/recap/video?year=2024", .post)
                #expect(second.status == .ok)
                #expect((try JSONSerialization.jsonObject(with: Data(buffer: second.body)) as? [String: Any])?["id"] as? String == id)
                let other = try await browser.request("/api/v1/recap/video?year=2023", .post)
                #expect(other.status == .conflict)
                #expect(message(other).contains("2024") && message(other).contains("2023"), "\(message(other))")
                let running = String(buffer: try await browser.request("/recap/2024").body)
                #expect(running.contains("data-job=\"\(id)\""))

                let done = try await browser.waitForJob(id, timeout: 600)
                #expect(done["state"] as? String == "succeeded", "\(done)")
                #expect(done["frames"] as? Int ?? 0 >= 900 && done["width"] as? Int == 1080 && done["height"] as? Int == 1920)
                let file = try #require((done["files"] as? [[String: Any]])?.first)
                let url = try #require(file["url"] as? String)
                #expect(url == "/api/v1/jobs/\(id)/files/mp4")
                let download = try await browser.request(url + "?download=1")
                #expect(download.status == .ok && download.headers[.contentType] == "video/mp4")
                #expect(download.headers[.contentDisposition]?.contains("segue-recap-") == true)
                let path = server.folder.appendingPathComponent("downloaded.mp4").path
                try Data(buffer: download.body).write(to: URL(fileURLWithPath: path))
                let probe = try MediaProbe.probe(path, tools: try FFmpegTools.locate())
                #expect(probe.codec == "h264" && probe.pixelFormat == "yuv420p" && probe.width == 1080 && probe.height == 1920)
                #expect((30...45).contains(probe.duration), "\(probe.duration) s")
                // The page now shows the player and the download link.
                let page = String(buffer: try await browser.request("/recap/2024").body)
                #expect(page.contains("<video class=\"preview\"") && page.contains("src=\"\(url)\""))
                #expect(page.contains("href=\"\(url)?download=1\""))
                // The navigation has the recap, marked as the current page here.
                #expect(page.contains("<li><a href=\"/recap\" aria-current=\"page\">Recap</a></li>"))
                #expect(String(buffer: try await browser.request("/explore").body).contains("<li><a href=\"/recap\">Recap</a></li>"))
                // Cancelled while it renders: the job says so, and no file is left.
                let again = try await browser.request("/api/v1/recap/video?year=2023", .post)
                #expect(again.status == .accepted)
                let cancelID = try #require((try JSONSerialization.jsonObject(with: Data(buffer: again.body)) as? [String: Any])?["id"] as? String)
                let deadline = Date().addingTimeInterval(120)
                while Date() < deadline,
                    ((try await browser.jsonObject("/api/v1/jobs/\(cancelID)") as? [String: Any])?["progress"] as? Double ?? 0) < 0.05
                {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(try await browser.request("/api/v1/jobs/\(cancelID)", .delete).status == .accepted)
                let cancelled = try await browser.waitForJob(cancelID, timeout: 120)
                #expect(cancelled["state"] as? String == "cancelled", "\(cancelled)")
                let renders = try FileManager.default.contentsOfDirectory(
                    atPath: server.deps.configuration.sessionDirectory(try #require(try server.deps.pool.store.job(id: cancelID)).owner) + "/renders")
                #expect(!renders.contains { $0.hasPrefix(cancelID) }, "\(renders)")
                // Another session sees neither the job nor the file.
                let stranger = Browser(client)
                try await stranger.start()
                #expect(try await stranger.request(url).status == .notFound)
                #expect(!String(buffer: try await stranger.request("/recap/2024").body).contains(id))
            }
        }
    }

    @Test("the video job on SQLite: careless input, one job for two clicks, the MP4, the player")
    func videoOnSQLite() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await checkVideo(server)
    }

    @Test("the video job on PostgreSQL", .enabled(if: TestPostgres.isEnabled))
    func videoOnPostgres() async throws {
        let url = try TestPostgres.freshSchemaURL()
        let server = try TestServer { $0.database = url }
        defer { server.cleanUp() }
        try await checkVideo(server)
    }
}
