import Foundation
import SegueLive
import SegueMedia

@testable import SegueImport

/// libFuzzer targets for the parsers that take bytes from outside. One binary, the target chosen by
/// `SEGUE_FUZZ_TARGET` (see `scripts/fuzz.sh`, which builds it with `-sanitize=fuzzer,address` and
/// runs each target from its seed corpus in `Tests/Fuzz/corpus/TARGET`).
///
/// A target returns normally for every input a parser refuses with an error; a trap, a sanitizer
/// report, a timeout or runaway memory is a finding.
enum FuzzTarget: String, CaseIterable {
    /// `POST /1/submit-listens` bodies.
    case listenbrainz
    /// `POST /api/v1/events` bodies (NDJSON and JSON arrays).
    case events
    /// One Spotify history file's bytes, through the byte-level JSON scanner and record mapping.
    case spotifyJSON = "spotify-json"
    /// An uploaded archive: the ZIP reader, its limits and every history file found inside.
    case zip
    /// The first bytes of an uploaded audio file: the content sniffer that picks ffmpeg's demuxer.
    case sniff
    /// A cover image's header, read for its size before any decoder sees it.
    case imageHeader = "image-header"

    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["SEGUE_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("segue-fuzz: set SEGUE_FUZZ_TARGET to one of \(names)\n".utf8))
            exit(2)
        }
        return target
    }()

    /// A fixed "now" so that a finding replays the same way: 2024-06-01T00:00:00Z.
    static let nowSeconds: Int64 = 1_717_200_000

    func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .listenbrainz:
            guard let submission = try? ListenBrainzSubmission(body: Data(bytes), now: Self.nowSeconds) else { return }
            // Everything a valid listen carries must be usable without a trap downstream.
            for listen in submission.listens {
                _ = listen.listenedAt
                _ = listen.durationMilliseconds
            }
        case .events:
            _ = try? BulkEventBatch.parse(Data(bytes), now: Self.nowSeconds * 1000)
        case .spotifyJSON:
            _ = try? HistoryImporter.parse(Array(bytes), name: "fuzz.json", required: true)
        case .sniff:
            _ = AudioSniffer.sniff(UnsafeRawBufferPointer(bytes))
        case .imageHeader:
            if let size = ImageHeader.size(of: UnsafeRawBufferPointer(bytes)) { _ = size.width * size.height }
        case .zip:
            Self.withTemporaryFile(bytes) { path in
                var skipped: [SkippedFile] = []
                let source = HistorySource(limits: ImportLimits(maxEntryBytes: 1 << 20, maxTotalBytes: 4 << 20))
                guard let files = try? source.files(at: path, skipped: &skipped) else { return }
                for file in files {
                    guard let loaded = try? file.load() else { continue }
                    _ = try? loaded.withBuffer {
                        try HistoryImporter.parse($0, name: file.name, required: false, strings: StringInterner())
                    }
                }
            }
        }
    }

    private static let scratch: String = {
        let dir = NSTemporaryDirectory() + "segue-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    private static func withTemporaryFile(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (String) -> Void) {
        let path = scratch + "/input.zip"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        body(path)
    }
}

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func segueFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.current.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
