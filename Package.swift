import Foundation
// swift-tools-version: 6.1
import PackageDescription

// CI (scripts/test.sh) sets SEGUE_STRICT=1: warnings in Segue's own targets fail the build.
// MemberImportVisibility: a file sees only the members of modules it imports itself, so a dependency
// cannot hide behind another file's import.
let strict: [SwiftSetting] =
    [.swiftLanguageMode(.v6), .enableUpcomingFeature("MemberImportVisibility")]
    + (ProcessInfo.processInfo.environment["SEGUE_STRICT"] == "1" ? [.unsafeFlags(["-warnings-as-errors"])] : [])

// The import's hot loops (JSON scan, string interning, batch building, SQLite binding) touch class
// and array state millions of times; dynamic exclusivity checks cost about 4% of the import's CPU
// (perf, 250,000 records). These targets keep static checking.
// SegueHTTP's requests and answers speak NIOHTTP1's types (methods, headers, statuses).
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")

let hotPath: [SwiftSetting] = strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "Segue",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "segue", targets: ["segue"]),
        .executable(name: "segue-bench", targets: ["segue-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // Web app (issue 4).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // PostgreSQL backend (issue 8).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Outgoing HTTP (SegueHTTP): already in the graph through Hummingbird and postgres-nio.
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        // Page templates that escape by default (SegueServer only).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Plays, entities, metrics, date ranges: no I/O.
        .target(name: "SegueModel", swiftSettings: strict),
        // Spotify exports (extended + account data), ZIP safety, demo export.
        .target(
            name: "SegueImport",
            dependencies: ["SegueModel", "SegueStore", "CSegueZlib", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: hotPath),
        // zlib, for reading uploaded ZIP archives (SegueImport's ZipArchive).
        .systemLibrary(name: "CSegueZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Store protocols and the chart maths every backend shares.
        .target(name: "SegueStore", dependencies: ["SegueModel"], swiftSettings: hotPath),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "SegueStoreSQLite", dependencies: ["SegueStore", "SegueModel", "CSQLite"],
            swiftSettings: hotPath),
        // PostgreSQL + pgvector backend for the scaled deployment (issue 8).
        .target(
            name: "SegueStorePostgres",
            dependencies: [
                "SegueStore", "SegueModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // The one place that opens the store drivers: a process's stores, behind SegueStore's protocols.
        .target(
            name: "SegueStores",
            dependencies: [
                "SegueStore", "SegueStoreSQLite", "SegueStorePostgres", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Visuals (issue 3): drawing-independent scenes, Cairo/Pango rendering, ffmpeg encoding.
        .target(name: "SegueCharts", dependencies: ["SegueModel", "SegueRecap"], swiftSettings: strict),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo-ft", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CPango", pkgConfig: "pangocairo", providers: [.apt(["libpango1.0-dev"])]),
        .target(
            name: "SegueGraphics", dependencies: ["SegueCharts", "SegueModel", "CCairo", "CPango"],
            swiftSettings: strict),
        // BGRA -> YUV 4:2:0 for the frames piped into ffmpeg (AVX2 where the CPU has it).
        .target(name: "CSegueYUV", cSettings: [.unsafeFlags(["-O2", "-Wall", "-Wextra", "-Werror"])]),
        .target(name: "CSeguePipe", cSettings: [.unsafeFlags(["-O2", "-Wall", "-Wextra", "-Werror"])]),
        .target(name: "SegueMedia", dependencies: ["SegueModel", "CSegueYUV", "CSeguePipe"], swiftSettings: strict),
        // Durable job queue over the store and an in-process worker pool (imports, renders).
        .target(
            name: "SegueJobs",
            dependencies: [
                "SegueStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        // The year in review (issue 20): one recap model over the music columns for any range.
        .target(name: "SegueRecap", dependencies: ["SegueModel", "SegueStore"], swiftSettings: strict),
        .testTarget(name: "SegueRecapTests", dependencies: ["SegueRecap", "SegueStore", "SegueModel"], swiftSettings: strict),
        // Rendering orchestration shared by the CLI and the server (charts and races to files).
        .target(
            name: "SegueRender",
            dependencies: ["SegueModel", "SegueStore", "SegueCharts", "SegueGraphics", "SegueMedia", "SegueRecap"],
            swiftSettings: strict),
        // The web app's script, stylesheet, icon and templates (Sources/SegueServer/Web) compiled into the
        // binary as raw string literals: a copied `segue` serves them with no resource bundle beside it.
        .executableTarget(name: "segue-embed", swiftSettings: strict),
        .plugin(name: "EmbedWebFiles", capability: .buildTool(), dependencies: ["segue-embed"]),
        // The Hummingbird web app: pages, JSON API, SSE, sessions, uploads.
        .target(
            name: "SegueServer",
            dependencies: [
                "SegueModel", "SegueImport", "SegueStore", "SegueStores", "SegueJobs", "SegueRender",
                "SegueCharts", "SegueGraphics", "SegueMedia", "SegueLive", "SegueAudio", "SeguePlaylists", "SegueHTTP", "SeguePlayers",
                "SegueKafka", "SegueRecap", "SegueLibrary", nioHTTP1,
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["Web"],
            swiftSettings: strict,
            plugins: ["EmbedWebFiles"]),
        .executableTarget(
            name: "segue",
            dependencies: [
                "SegueModel", "SegueImport", "SegueStore", "SegueStores",
                "SegueCharts", "SegueGraphics", "SegueMedia",
                "SegueRender", "SegueJobs", "SegueServer", "SegueAudio", "SegueLive", "SegueSimulator", "SeguePlaylists", "SegueArtwork",
                "SeguePlayers",
                "SegueKafka", "SegueRecap", "SegueLibrary",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Benchmarks (`make bench`), out of the product: each measures Segue beside an anchor and writes
        // its section of BENCHMARKS.md; SegueBenchSupport holds the report, the child-process timer and
        // the bench-only baselines and bounds (tested in SegueBenchSupportTests).
        .target(
            name: "SegueBenchSupport", dependencies: ["SegueAudio", "SeguePlaylists", "CSQLite"], swiftSettings: strict),
        .executableTarget(
            name: "segue-bench",
            dependencies: [
                "SegueBenchSupport", "SegueModel", "SegueImport", "SegueStore", "SegueStoreSQLite", "SegueStorePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "SegueCharts", "SegueGraphics", "SegueMedia", "SegueRender", "SegueServer", "SegueAudio", "SegueLive", "SegueSimulator",
                "SeguePlaylists", "SegueKafka", "SegueRecap",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SegueBenchSupportTests", dependencies: ["SegueBenchSupport", "SeguePlaylists", "SegueAudio", "SegueModel"], swiftSettings: strict),
        // Live listening (issue 5): exact event-time windows, leaderboard, trends, spike/drop alerts.
        // Outgoing HTTP requests on SwiftNIO (no FoundationNetworking, so no libcurl in the process).
        .target(
            name: "SegueHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ], swiftSettings: strict),
        .target(name: "SegueLive", dependencies: ["SegueModel"], swiftSettings: strict),
        // Live events from a Kafka topic (issue 21): librdkafka opened with dlopen (CSegueKafka; Debian's
        // librdkafka-dev for the declarations), the consumer group source and a producer.
        .target(name: "CSegueKafka", cSettings: [.unsafeFlags(["-O2", "-Wall", "-Wextra", "-Werror"])]),
        .target(
            name: "SegueKafka",
            dependencies: [
                "CSegueKafka", "SegueLive", "SegueStore",
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SegueKafkaTests",
            dependencies: ["SegueKafka", "SegueLive", "SegueStore", "SegueStoreSQLite", "SegueStorePostgres", "SegueTestSupport"],
            swiftSettings: strict),
        // The load simulator's client: sends simulated traffic to a server over HTTP.
        .target(
            name: "SegueSimulator", dependencies: ["SegueModel", "SegueLive", "SegueHTTP", "SegueKafka", nioHTTP1],
            swiftSettings: strict),
        .testTarget(name: "SegueLiveTests", dependencies: ["SegueLive"], swiftSettings: strict),
        // Audio analysis (issue 6): DSP descriptors over decoded PCM.
        .systemLibrary(name: "CKissFFT", pkgConfig: "kissfft-float", providers: [.apt(["libkissfft-dev"])]),
        .systemLibrary(name: "CEBUR128", pkgConfig: "libebur128", providers: [.apt(["libebur128-dev"])]),
        // The second decoder, for files ffmpeg refuses (libsndfile: Vorbis, Opus, FLAC, WAV, AIFF, MP3).
        .systemLibrary(name: "CSndfile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        // musicnn's convolutions and dense layers (sgemm).
        // OpenBLAS is opened with dlopen on first use (CSegueBLAS), so commands that never multiply
        // a matrix do not load it; libopenblas-dev (scripts/setup.sh) provides the library.
        .target(name: "CSegueBLAS", cSettings: [.unsafeFlags(["-O2", "-Wall", "-Wextra", "-Werror"])]),
        .target(
            name: "SegueAudio", dependencies: ["CKissFFT", "CEBUR128", "CSegueBLAS", "CSndfile", "SegueMedia", "SegueStore"],
            swiftSettings: strict),
        .testTarget(
            name: "SegueAudioTests",
            dependencies: ["SegueAudio", "SegueMedia", "SegueStore", "SegueStoreSQLite", "SegueStorePostgres", "SegueTestSupport"],
            swiftSettings: strict),
        // Playlists (issue 7): transition cost, ordering, exports.
        .target(name: "SeguePlaylists", dependencies: ["SegueModel", "SegueStore"], swiftSettings: strict),
        .testTarget(name: "SeguePlaylistsTests", dependencies: ["SeguePlaylists", "SegueModel", "SegueStore"], swiftSettings: strict),
        // Playlists in the player people already use (issue 22): Subsonic servers and watched folders.
        // The music library as a use case: the typed analysis of a stored track, library tracks as playlist tracks.
        .target(
            name: "SegueLibrary", dependencies: ["SegueAudio", "SeguePlaylists", "SegueStore", "SegueModel"],
            swiftSettings: strict),
        .target(
            name: "SeguePlayers", dependencies: ["SegueHTTP", "SeguePlaylists", nioHTTP1],
            swiftSettings: strict),
        .testTarget(
            name: "SeguePlayersTests",
            dependencies: [
                "SeguePlayers", "SeguePlaylists", "SegueHTTP", "SegueStore", "SegueStoreSQLite", "SegueTestSupport", nioHTTP1,
            ],
            exclude: ["hostile_subsonic.py"], swiftSettings: strict),
        // Cover art and artist images from the Spotify Web API (optional, cached on disk).
        .target(
            name: "SegueArtwork", dependencies: ["SegueHTTP", nioHTTP1],
            swiftSettings: strict),
        // Builders of small exports on disk, shared by the test targets.
        .target(
            name: "SegueTestSupport", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Tests/SegueTestSupport", swiftSettings: strict),
        .testTarget(name: "SegueModelTests", dependencies: ["SegueModel"], swiftSettings: strict),
        .testTarget(
            name: "SegueImportTests",
            dependencies: [
                "SegueImport", "SegueModel", "SegueStore", "SegueTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict),
        .testTarget(name: "SegueChartsTests", dependencies: ["SegueCharts", "SegueModel"], swiftSettings: strict),
        .testTarget(
            name: "SegueGraphicsTests",
            dependencies: ["SegueGraphics", "SegueCharts", "SegueModel", "SegueMedia", "CCairo", "SegueRecap", "SegueRender", "SegueStore"],
            swiftSettings: strict),
        .testTarget(name: "SegueMediaTests", dependencies: ["SegueMedia"], swiftSettings: strict),
        .testTarget(
            name: "SegueStoreTests",
            dependencies: [
                "SegueStore", "SegueStoreSQLite", "SegueStorePostgres", "SegueStores", "SegueJobs", "SeguePlaylists", "SegueImport", "SegueModel",
                "SegueTestSupport", "SegueCharts", "SegueRecap", .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "SegueServerTests",
            dependencies: [
                "SegueServer", "SegueJobs", "SegueStore", "SegueStoreSQLite", "SegueImport", "SegueModel",
                "SegueTestSupport", "SegueLive", "SegueSimulator", "SegueArtwork", "SegueMedia", "SegueStorePostgres", "SeguePlaylists", "SegueAudio",
                "SegueHTTP", "SeguePlayers", "SegueLibrary", nioHTTP1, .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict),
    ]
)

// libFuzzer targets for the parsers that take outside bytes (scripts/fuzz.sh builds them with
// SEGUE_FUZZ=1 and `-sanitize=fuzzer,address` into .build-fuzz; they have no `main` of their own).
if ProcessInfo.processInfo.environment["SEGUE_FUZZ"] == "1" {
    package.products.append(.executable(name: "segue-fuzz", targets: ["SegueFuzz"]))
    package.targets.append(.target(name: "CSegueFuzz", path: "Tests/Fuzz/CSegueFuzz"))
    package.targets.append(
        .executableTarget(
            name: "SegueFuzz", dependencies: ["SegueImport", "SegueLive", "SegueMedia", "CSegueFuzz"], path: "Tests/Fuzz/SegueFuzz",
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]))
}
