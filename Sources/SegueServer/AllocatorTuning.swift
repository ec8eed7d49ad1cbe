import Glibc

/// glibc's allocator settings for the long-running server.
///
/// By default glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), so a burst of
/// large transient buffers (a backlog of live events read at once under load) is carved from the heap and
/// kept there after it is freed. `segue-bench live` at 5,000 events/s beside compiles showed it as a step of
/// about 110 MiB at minute 4 to 5 that never came back (`malloc_trim` returned it, so it was free memory);
/// capping the arenas (`MALLOC_ARENA_MAX=2`) did not remove it, fixed 128 KiB mmap and trim thresholds did
/// (BENCHMARKS.md, Kafka memory). Blocks of 128 KiB or more then come from `mmap` and go back on `free`.
public enum AllocatorTuning {
    /// The mmap and trim thresholds set for the server, in bytes.
    public static let thresholdBytes: Int32 = 128 * 1024

    // glibc's <malloc.h> parameter numbers (not imported into Swift's Glibc module).
    static let trimThreshold: Int32 = -1
    static let mmapThreshold: Int32 = -3

    /// Sets both thresholds unless the environment names its own (`MALLOC_MMAP_THRESHOLD_`,
    /// `MALLOC_TRIM_THRESHOLD_`, which glibc reads at start). Returns whether glibc accepted the settings (false
    /// when they were left to the environment or the allocator is not glibc's).
    @discardableResult
    public static func applyForServer(environment: [String: String]) -> Bool {
        guard environment["MALLOC_MMAP_THRESHOLD_"] == nil, environment["MALLOC_TRIM_THRESHOLD_"] == nil else { return false }
        // Looked up rather than declared: the symbol is glibc's, and another C library may not have it.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        return mallopt(mmapThreshold, thresholdBytes) == 1 && mallopt(trimThreshold, thresholdBytes) == 1
    }
}
