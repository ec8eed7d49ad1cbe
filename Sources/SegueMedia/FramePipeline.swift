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
    /// For an output that lends the buffers' pages to its reader instead of copying them
    /// (vmsplice): how many of the bytes output so far the reader has not read yet, or nil when it
    /// never will (it is gone). A buffer is reused only once its last byte has been read.
    typealias Unread = @Sendable () -> Int?

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
    private let unread: Unread?
    /// Writer side only: bytes output so far, and the slots output (lent) but maybe not yet read,
    /// oldest first, with the total at the end of each.
    private var outputBytes = 0
    private var lent: [(slot: Int, end: Int)] = []

    /// Starts the writer thread.
    /// - Parameters:
    ///   - depth: buffers in the ring (at least 2: one being filled while one is written).
    ///   - bufferBytes: bytes in each buffer.
    ///   - unread: given when `output` lends the buffers' pages rather than copying them; buffers
    ///     are page-aligned then.
    init(depth: Int, bufferBytes: Int, unread: Unread? = nil, output: @escaping Output) {
        precondition(depth >= 2 && bufferBytes > 0)
        self.depth = depth
        self.bufferBytes = bufferBytes
        self.output = output
        self.unread = unread
        buffers = (0..<depth).map { _ in .allocate(byteCount: bufferBytes, alignment: 4096) }
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
            waitForQueuedSlot()
            let slot = nextDrain
            nextDrain = (slot + 1) % depth
            let count = lengths[slot]
            if count < 0 {
                // The stream ends: whatever is still lent is the reader's until the pipe closes,
                // and the buffers live until the encoder has waited for it.
                for _ in lent { freeSlots.signal() }
                lent.removeAll()
                freeSlots.signal()
                break
            }
            var written = false
            if writerFailure == nil {
                do {
                    try output(UnsafeRawBufferPointer(rebasing: buffers[slot][0..<count]))
                    written = true
                } catch {
                    failureLock.withLock { failure = error }
                }
            }
            if unread != nil && written {
                outputBytes += count
                lent.append((slot, outputBytes))
                returnReadBuffers()
            } else {
                freeSlots.signal()
            }
        }
        writerDone.signal()
    }

    /// Waits for the producer's next buffer; while buffers are lent, looks every half millisecond
    /// for those the reader has finished, so the producer gets them back.
    private func waitForQueuedSlot() {
        while !lent.isEmpty {
            if queuedSlots.wait(timeout: .now() + .microseconds(500)) == .success { return }
            returnReadBuffers()
        }
        queuedSlots.wait()
    }

    /// Gives the producer back every lent buffer the reader has read to its end (all of them when
    /// the reader is gone or the pipe cannot be asked).
    private func returnReadBuffers() {
        guard let unread else { return }
        let consumed = unread().map { outputBytes - $0 } ?? Int.max
        while let first = lent.first, first.end <= consumed {
            lent.removeFirst()
            freeSlots.signal()
        }
    }
}
