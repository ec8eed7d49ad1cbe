import Foundation

/// A bounded queue of frame buffers between the thread that renders (and converts) frames and a
/// thread of its own that writes them out.
///
/// Without it, rendering and converting frame N+1 waits until frame N is in ffmpeg's pipe, and
/// ffmpeg waits on an empty pipe while Segue renders: the two alternate instead of overlapping.
/// Here the producer fills one of `depth` buffers and goes back to rendering; the writer thread
/// blocks in `write` while ffmpeg catches up. When every buffer is queued, `submit` waits: that is
/// the back-pressure, and memory stays at `depth` frames.
///
/// One producer thread calls `submit`, `drain` and `finish`; the buffers, their lengths and the
/// ring positions are handed between the two threads by the semaphores (each slot is touched by one
/// side at a time).
final class FramePipeline: @unchecked Sendable {
    /// Writes one buffer out completely (called on the writer thread). A throw marks the pipeline
    /// failed: later buffers are dropped, and `submit`, `drain` and `finish` throw the error.
    typealias Output = @Sendable (UnsafeRawBufferPointer) throws(MediaError) -> Void

    let depth: Int
    let bufferBytes: Int
    private let buffers: [UnsafeMutableRawBufferPointer]
    /// Bytes queued in each slot; -1 marks the end of the stream.
    private let lengths: UnsafeMutablePointer<Int>
    private let freeSlots: DispatchSemaphore
    private let queuedSlots: DispatchSemaphore
    private let writerDone = DispatchSemaphore(value: 0)
    private let output: Output
    private let failureLock = NSLock()
    private var failure: MediaError?
    /// Producer side only.
    private var nextFill = 0
    /// Per slot, the sequence number of the fill it holds (nil before its first).
    private var slotSequence: [Int?]
    /// The sequence number the next successful `submit` gives its fill (0, 1, 2, …).
    private(set) var nextSequence = 0
    private var ended = false
    /// Writer side only.
    private var nextDrain = 0

    /// Starts the writer thread.
    /// - Parameters:
    ///   - depth: buffers in the ring (at least 2: one being filled while one is written).
    ///   - bufferBytes: bytes in each buffer.
    init(depth: Int, bufferBytes: Int, output: @escaping Output) {
        precondition(depth >= 2 && bufferBytes > 0)
        self.depth = depth
        self.bufferBytes = bufferBytes
        self.output = output
        buffers = (0..<depth).map { _ in .allocate(byteCount: bufferBytes, alignment: 64) }
        lengths = .allocate(capacity: depth)
        lengths.initialize(repeating: 0, count: depth)
        slotSequence = [Int?](repeating: nil, count: depth)
        freeSlots = DispatchSemaphore(value: depth)
        queuedSlots = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in writerLoop() }
        thread.name = "segue-frame-writer"
        thread.start()
    }

    /// The writer thread holds the pipeline until `finish`, so this runs only after it has stopped.
    deinit {
        for buffer in buffers { buffer.deallocate() }
        lengths.deallocate()
    }

    /// The writer's error, if it has failed.
    var writerFailure: MediaError? {
        failureLock.withLock { failure }
    }

    /// Waits for a free buffer, lets `fill` write into it (returning the byte count to send), and
    /// queues it for the writer. `fill` also gets the sequence number of the fill the buffer still
    /// holds (nil when it is fresh): the bytes of that fill are intact, so only what changed since
    /// needs writing. This fill gets `nextSequence`.
    /// - Throws: the writer's error (nothing is queued then), or whatever `fill` throws (the
    ///   buffer goes back unused, and is then treated as fresh).
    func submit(_ fill: (UnsafeMutableRawBufferPointer, _ holding: Int?) throws(MediaError) -> Int) throws(MediaError) {
        precondition(!ended, "submit after finish")
        if let failure = writerFailure { throw failure }
        freeSlots.wait()
        let slot = nextFill
        let count: Int
        let holding = slotSequence[slot]
        do {
            slotSequence[slot] = nil
            count = try fill(buffers[slot], holding)
        } catch {
            freeSlots.signal()
            throw error
        }
        precondition(count >= 0 && count <= bufferBytes)
        lengths[slot] = count
        slotSequence[slot] = nextSequence
        nextSequence += 1
        nextFill = (slot + 1) % depth
        queuedSlots.signal()
    }

    /// Waits until every queued buffer has been written.
    /// - Throws: the writer's error.
    func drain() throws(MediaError) {
        for _ in 0..<depth { freeSlots.wait() }
        for _ in 0..<depth { freeSlots.signal() }
        if let failure = writerFailure { throw failure }
    }

    /// Writes what is queued, then stops the writer thread and waits for it. Safe to call twice.
    /// - Throws: the writer's error.
    func finish() throws(MediaError) {
        if !ended {
            ended = true
            freeSlots.wait()
            lengths[nextFill] = -1
            queuedSlots.signal()
            writerDone.wait()
        }
        if let failure = writerFailure { throw failure }
    }

    private func writerLoop() {
        while true {
            queuedSlots.wait()
            let slot = nextDrain
            nextDrain = (slot + 1) % depth
            let count = lengths[slot]
            if count < 0 {
                freeSlots.signal()
                break
            }
            if writerFailure == nil {
                do {
                    try output(UnsafeRawBufferPointer(rebasing: buffers[slot][0..<count]))
                } catch {
                    failureLock.withLock { failure = error }
                }
            }
            freeSlots.signal()
        }
        writerDone.signal()
    }
}
