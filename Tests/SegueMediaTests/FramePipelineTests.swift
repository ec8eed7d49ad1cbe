import Foundation
import Testing

@testable import SegueMedia

/// Collects what the writer thread receives.
private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var calls = 0

    func append(_ chunk: UnsafeRawBufferPointer) -> Int {
        lock.withLock {
            bytes.append(contentsOf: chunk)
            calls += 1
            return calls
        }
    }

    var snapshot: (bytes: [UInt8], calls: Int) { lock.withLock { (bytes, calls) } }
}

@Suite struct FramePipelineTests {
    @Test func buffersArriveWholeAndInOrder() throws {
        let received = Received()
        let pipeline = FramePipeline(depth: 3, bufferBytes: 1000) { chunk throws(MediaError) in
            _ = received.append(chunk)
            // A slow consumer now and then, so the ring wraps while buffers are queued.
            if chunk.first.map({ $0 % 7 == 0 }) == true { usleep(2000) }
        }
        var expected: [UInt8] = []
        for i in 0..<60 {
            let count = 1 + (i * 37) % 1000
            try pipeline.submit { buffer, _ in
                for k in 0..<count { buffer[k] = UInt8(truncatingIfNeeded: i &+ k) }
                return count
            }
            expected += (0..<count).map { UInt8(truncatingIfNeeded: i &+ $0) }
        }
        try pipeline.finish()
        let (bytes, calls) = received.snapshot
        #expect(calls == 60)
        #expect(bytes == expected)
    }

    /// An output that lends its buffers (vmsplice) gets each back only once the reader has read it
    /// to its last byte: until then the producer waits, and the buffer still holds its frame.
    @Test func aLentBufferComesBackOnlyOnceItsReaderHasReadIt() throws {
        final class Reader: @unchecked Sendable {
            let lock = NSLock()
            var written = 0
            var read = 0
            var unread: Int { lock.withLock { written - read } }
        }
        let reader = Reader()
        let pipeline = FramePipeline(depth: 2, bufferBytes: 100, unread: { reader.unread }) { chunk throws(MediaError) in
            reader.lock.withLock { reader.written += chunk.count }
        }
        var held: [Int?] = []
        for i in 0..<2 {
            try pipeline.submit { buffer, holding in
                held.append(holding)
                buffer[0] = UInt8(i)
                return 100
            }
        }
        // Both buffers are lent and nothing is read: a third frame must wait.
        let thirdQueued = DispatchSemaphore(value: 0)
        let thirdHolding = Received()
        Thread {
            try? pipeline.submit { buffer, holding in
                let first = [UInt8(holding ?? 255), buffer[0]]
                _ = first.withUnsafeBytes { thirdHolding.append($0) }
                return 100
            }
            thirdQueued.signal()
        }.start()
        #expect(thirdQueued.wait(timeout: .now() + 0.2) == .timedOut)
        // The reader reads 99 bytes of the first frame: still not all of it.
        reader.lock.withLock { reader.read = 99 }
        #expect(thirdQueued.wait(timeout: .now() + 0.1) == .timedOut)
        reader.lock.withLock { reader.read = 100 }
        #expect(thirdQueued.wait(timeout: .now() + 5) == .success)
        // The third frame got the first frame's buffer, its bytes intact (fill 0 holding frame 0).
        #expect(held == [nil, nil])
        #expect(thirdHolding.snapshot.bytes == [0, 0])
        reader.lock.withLock { reader.read = reader.written }
        try pipeline.finish()
    }

    @Test func aFullRingMakesTheProducerWait() throws {
        let gate = DispatchSemaphore(value: 0)
        let received = Received()
        let pipeline = FramePipeline(depth: 3, bufferBytes: 16) { chunk throws(MediaError) in
            if received.append(chunk) == 1 { gate.wait() }
        }
        // Buffer 1 is held by the blocked writer; 2 and 3 fill the rest of the ring.
        for i in 0..<3 {
            try pipeline.submit { buffer, _ in
                buffer[0] = UInt8(i)
                return 1
            }
        }
        let fourthQueued = DispatchSemaphore(value: 0)
        Thread {
            try? pipeline.submit { buffer, _ in
                buffer[0] = 3
                return 1
            }
            fourthQueued.signal()
        }.start()
        #expect(fourthQueued.wait(timeout: .now() + 0.3) == .timedOut, "a fourth buffer was taken while three were queued")
        gate.signal()
        #expect(fourthQueued.wait(timeout: .now() + 10) == .success)
        try pipeline.finish()
        #expect(received.snapshot.bytes == [0, 1, 2, 3])
    }

    @Test func aWriterFailureStopsTheStreamAndReachesTheProducer() throws {
        let received = Received()
        let failure = MediaError.ffmpegFailed(status: -1, log: "Broken pipe")
        let pipeline = FramePipeline(depth: 2, bufferBytes: 8) { chunk throws(MediaError) in
            if received.append(chunk) == 3 { throw failure }
        }
        var thrown: MediaError?
        for i in 0..<20 {
            do {
                try pipeline.submit { buffer, _ in
                    buffer[0] = UInt8(i)
                    return 1
                }
            } catch {
                thrown = error
                break
            }
            usleep(1000)
        }
        #expect(thrown == failure)
        #expect(throws: failure) { try pipeline.finish() }
        // Nothing after the failed buffer was written.
        #expect(received.snapshot.calls == 3)
    }

    @Test func aFillThatThrowsGivesItsBufferBack() throws {
        let received = Received()
        let pipeline = FramePipeline(depth: 2, bufferBytes: 8) { chunk throws(MediaError) in _ = received.append(chunk) }
        // More failing fills than buffers: each must return its buffer or the later submits hang.
        for _ in 0..<5 {
            #expect(throws: MediaError.cancelled) {
                try pipeline.submit { _, _ throws(MediaError) in throw .cancelled }
            }
        }
        try pipeline.submit { buffer, _ in
            buffer[0] = 9
            return 1
        }
        try pipeline.drain()
        #expect(received.snapshot.bytes == [9])
        try pipeline.finish()
    }
}
