import CSegueKafka
import Foundation

/// librdkafka, opened with dlopen the first time a Kafka client is made.
public enum KafkaLibrary {
    /// Where librdkafka is looked for, in order: `SEGUE_RDKAFKA_LIBRARY`, then the copy
    /// scripts/setup.sh places in `.local/kafka/lib` of the checkout the executable was built in
    /// (and of the current folder); the loader's own path (`librdkafka.so.1`) comes last.
    public static func candidates(
        environment: [String: String] = ProcessInfo.processInfo.environment, executable: String = CommandLine.arguments.first ?? ""
    ) -> [String] {
        var paths: [String] = []
        if let path = environment["SEGUE_RDKAFKA_LIBRARY"], !path.isEmpty { paths.append(path) }
        let relative = ".local/kafka/lib/librdkafka.so.1"
        if executable.contains("/") {
            // The checkout the executable was built in (.build/debug/segue, or the triple's folder).
            var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
            for _ in 0..<4 {
                folder = folder.deletingLastPathComponent()
                let path = folder.appendingPathComponent(relative).path
                if FileManager.default.fileExists(atPath: path) {
                    paths.append(path)
                    break
                }
            }
        }
        paths.append(FileManager.default.currentDirectoryPath + "/" + relative)
        return paths
    }

    /// Opens librdkafka (once; later calls give the first outcome).
    /// - Returns: its version, like "2.16.1".
    @discardableResult
    public static func load(candidates: [String] = candidates()) throws(KafkaError) -> String {
        let copies = candidates.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let status = copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            segue_kafka_load(buffer.baseAddress, Int32(buffer.count))
        }
        guard status == 0, let version = segue_kafka_version() else {
            throw .libraryUnavailable(String(cString: segue_kafka_load_error()))
        }
        return String(cString: version)
    }
}

/// Settings as librdkafka takes them: `bootstrap.servers`, `group.id`, and what `--kafka-config` adds.
public struct KafkaSettings: Sendable, Equatable {
    public var pairs: [(key: String, value: String)]

    public init(_ pairs: [(key: String, value: String)] = []) {
        self.pairs = pairs
    }

    public static func == (a: KafkaSettings, b: KafkaSettings) -> Bool {
        a.pairs.map(\.key) == b.pairs.map(\.key) && a.pairs.map(\.value) == b.pairs.map(\.value)
    }

    /// Parses `KEY=VALUE` (as `--kafka-config` gives it).
    public static func pair(_ text: String) throws(KafkaError) -> (key: String, value: String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw .configuration("'\(text.prefix(80))' is not KEY=VALUE (like session.timeout.ms=6000)")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// Calls `body` with C arrays of the keys and values.
    func withCArrays<T>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?, Int32) -> T) -> T {
        let keys = pairs.map { strdup($0.key) }
        let values = pairs.map { strdup($0.value) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        let k = keys.map { UnsafePointer($0) }
        let v = values.map { UnsafePointer($0) }
        return k.withUnsafeBufferPointer { kb in
            v.withUnsafeBufferPointer { vb in body(kb.baseAddress, vb.baseAddress, Int32(pairs.count)) }
        }
    }
}

/// The text of a C error buffer.
func errorText(_ buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
