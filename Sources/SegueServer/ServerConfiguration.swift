import Foundation
import SegueKafka

/// How `segue serve` runs: address, data folder, session policy and limits.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The data folder: `segue.sqlite`, uploads and renders live under it.
    public var dataDirectory: String
    /// One persistent profile for everyone (a self-hosted home install) instead of one per session.
    public var singleUserProfile: String?
    /// Sessions idle longer than this are erased with their data.
    public var sessionTTLSeconds: Double
    /// Largest accepted upload, enforced while streaming.
    public var maxUploadBytes: Int
    /// Worker threads for imports and renders.
    public var workers: Int
    /// Queued or running jobs one session may have.
    public var jobsPerSession: Int
    /// Records in the demo export behind the "try it with demo data" button.
    public var demoRecords: Int
    /// Where new live alerts are POSTed as JSON (nil: nowhere).
    public var alertWebhook: URL?
    /// How late (behind the newest event time) a live event may arrive and still count on the
    /// dashboard, in its own minute; later ones are stored but not counted live.
    public var liveLatenessSeconds: Int64
    /// A `postgres://` URL: plays, the job queue, sessions, feedback and the libraries live there,
    /// shared with other nodes (nil: the data folder's SQLite files). Uploaded and rendered files
    /// stay in the data folder, which nodes sharing a database must share too.
    public var database: String?
    /// How long a worker's claim on a job lasts without a heartbeat: a job whose worker died is
    /// claimed again this long after its last heartbeat.
    public var jobLeaseMillis: Int64 = 30_000
    /// Run jobs in supervised `segue worker` processes (a trap in a job then costs that job, not
    /// the server); nil: on `workers` threads of this process.
    public var workerProcesses: WorkerSupervisor.Options?
    /// Stored upload bytes one session may hold (exports waiting for import, library files).
    public var maxSessionUploadBytes = 2 * 1024 * 1024 * 1024
    /// Stored upload files one session may hold.
    public var maxSessionUploadFiles = 500

    // Running in public (issue 16).
    /// The live dashboard and `/api/v1/live*` show listener ids only when this is set (`--live-show-listeners`).
    public var liveShowListeners = false
    /// The password a browser must give once on a `--single-user` install (nil: no login page).
    public var password: String?
    /// The address people reach the server at, when a TLS proxy sits in front (`--public-url https://…`): its
    /// scheme decides `Secure` cookies and HSTS, and /settings shows it to scrobblers.
    public var publicURL: URL?
    /// Seconds a connection may sit without sending a whole request part (slow or stuck clients are dropped).
    public var idleTimeoutSeconds: Double = 30
    /// Server-sent event streams one session (or one address, for the session-less live stream) may hold open.
    public var maxStreamsPerSession = 16
    /// Server-sent event streams open at once on this node.
    public var maxStreams = 1024
    /// Where `/metrics` answers.
    public var metrics: MetricsEndpoint = .main
    /// Bulk events read from a Kafka topic as a member of a consumer group (`--kafka-brokers`, …).
    public var kafka: KafkaSourceOptions?

    /// Why this configuration must not start, as one sentence naming the flags to change; nil when it may.
    /// A single-user install shares one profile with every visitor, so it may listen beyond this machine only
    /// behind a password.
    public var exposureProblem: String? {
        if singleUserProfile != nil, password == nil, !Self.isLoopback(host) {
            return "--single-user on --host \(host) would show your data to anyone who can reach it: "
                + "give --password-file FILE (or --password), or listen on 127.0.0.1"
        }
        if password != nil, singleUserProfile == nil {
            return "--password protects a --single-user install; without --single-user every browser has its own private session"
        }
        if let publicURL, !["http", "https"].contains(publicURL.scheme?.lowercased() ?? ""), publicURL.host == nil {
            return "--public-url must be an http(s) address like https://music.example.org"
        }
        return nil
    }

    /// True for addresses only this machine can reach.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "::1" || h == "[::1]" || h.hasPrefix("127.")
    }

    /// True when the public address is https: cookies get `Secure` and responses HSTS.
    public var isBehindTLS: Bool { publicURL?.scheme?.lowercased() == "https" }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String, singleUserProfile: String? = nil,
        sessionTTLSeconds: Double = 24 * 3600, maxUploadBytes: Int = 512 * 1024 * 1024, workers: Int = 2,
        jobsPerSession: Int = 4, demoRecords: Int = 60_000, alertWebhook: URL? = nil, liveLatenessSeconds: Int64 = 3600
    ) {
        self.alertWebhook = alertWebhook
        self.liveLatenessSeconds = liveLatenessSeconds
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.singleUserProfile = singleUserProfile
        self.sessionTTLSeconds = sessionTTLSeconds
        self.maxUploadBytes = maxUploadBytes
        self.workers = workers
        self.jobsPerSession = jobsPerSession
        self.demoRecords = demoRecords
    }

    /// Where a session's uploads and renders live.
    func sessionDirectory(_ sessionID: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("web/\(sessionID)")
    }

    /// The cached demo export.
    var demoExportPath: String {
        (dataDirectory as NSString).appendingPathComponent("demo-export-\(demoRecords).zip")
    }
}

/// Where Prometheus metrics are served.
public enum MetricsEndpoint: Sendable, Equatable {
    /// `/metrics` on the main address.
    case main
    /// Not at all.
    case off
    /// Only on this address (say a loopback or private interface), not on the main one.
    case separate(host: String, port: Int)

    /// Reads `on`, `off` or `HOST:PORT`; nil for anything else.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "on", "main": self = .main
        case "off", "none": self = .off
        default:
            guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
                (1...65_535).contains(port)
            else { return nil }
            var host = String(argument[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { return nil }
            self = .separate(host: host, port: port)
        }
    }
}

/// Randomness and time, injected so tests can pin them.
public struct ServerEnvironment: Sendable {
    /// Milliseconds since 1970.
    public var now: @Sendable () -> Int64
    /// 128 random bits as 32 lowercase hex digits.
    public var randomID: @Sendable () -> String

    public init(now: @escaping @Sendable () -> Int64, randomID: @escaping @Sendable () -> String) {
        self.now = now
        self.randomID = randomID
    }

    /// The system clock and the system's cryptographic random source.
    public static let live = ServerEnvironment(
        now: { Int64((Date().timeIntervalSince1970 * 1000).rounded()) },
        randomID: {
            var rng = SystemRandomNumberGenerator()
            let a = rng.next() as UInt64
            let b = rng.next() as UInt64
            return hex(a) + hex(b)
        })

    static func hex(_ value: UInt64) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// True for a 32-hex-digit id as `ServerEnvironment.randomID` makes them (guards every path built from an id).
func isWellFormedID(_ id: String) -> Bool {
    id.utf8.count == 32 && id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
}
