import Testing

@testable import SegueServer

@Suite("Allocator tuning for the server")
struct AllocatorTuningTests {
    @Test("glibc takes the fixed thresholds; thresholds the environment names are left to it")
    func thresholds() {
        #expect(AllocatorTuning.applyForServer(environment: [:]))
        #expect(AllocatorTuning.applyForServer(environment: ["MALLOC_MMAP_THRESHOLD_": "65536"]) == false)
        #expect(AllocatorTuning.applyForServer(environment: ["MALLOC_TRIM_THRESHOLD_": "0"]) == false)
        #expect(AllocatorTuning.thresholdBytes == 131_072)
    }
}
