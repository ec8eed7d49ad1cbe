import Foundation
import SegueBenchSupport
import Testing

@Suite struct BenchmarkReportTests {
    func folder() throws -> String {
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("segue-bench-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func replacesOnlyItsOwnSectionWithItsSubsections() throws {
        let file = (try folder() as NSString).appendingPathComponent("BENCHMARKS.md")
        let before = """
            # Benchmarks

            Preamble.

            ## Live ingest (`segue-bench live`)

            old live figures

            ### a subsection of live

            old detail

            ## Live ingest on PostgreSQL (`segue-bench live --database`)

            postgres figures, untouched

            """
        try before.write(toFile: file, atomically: true, encoding: .utf8)
        try BenchmarkReport.write(section: "Live ingest (`segue-bench live`)", body: "\nnew live figures", file: file)
        let after = try String(contentsOfFile: file, encoding: .utf8)
        #expect(
            after == """
                # Benchmarks

                Preamble.

                ## Live ingest (`segue-bench live`)

                new live figures

                ## Live ingest on PostgreSQL (`segue-bench live --database`)

                postgres figures, untouched

                """)
    }

    @Test func startsTheFileAndAppendsNewSections() throws {
        let file = (try folder() as NSString).appendingPathComponent("BENCHMARKS.md")
        try BenchmarkReport.write(section: "Race rendering", body: "\nrace", file: file)
        try BenchmarkReport.write(section: "Year in review (`segue-bench recap`)", body: "\nrecap", file: file)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("# Benchmarks\n\nWritten by `segue-bench …` (release build)"))
        #expect(text.hasSuffix("\n## Race rendering\n\nrace\n\n## Year in review (`segue-bench recap`)\n\nrecap\n"))
    }

    @Test func findsSegueBesideTheBenchOnly() throws {
        let dir = try folder()
        let bench = (dir as NSString).appendingPathComponent("segue-bench")
        let segue = (dir as NSString).appendingPathComponent("segue")
        #expect(throws: SegueExecutableError.self) { try SegueExecutable.path(besides: bench) }
        // A file called segue that cannot run is not the product.
        #expect(FileManager.default.createFile(atPath: segue, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o644]))
        #expect(throws: SegueExecutableError.self) { try SegueExecutable.path(besides: bench) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: segue)
        #expect(try SegueExecutable.path(besides: bench) == segue)
    }
}
