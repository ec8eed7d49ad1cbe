import Testing

@testable import SegueAudio

/// Choosing OpenBLAS's kernels (`BLASKernel`): when `segue` restarts itself with
/// `OPENBLAS_CORETYPE` set, and when it leaves things alone.
@Suite struct BLASKernelTests {
    static let avx512 = BLASKernel.avx512Flags.union(["fpu", "sse2", "avx2", "fma"])

    @Test func choosesSkylakeXOnlyWhenItHelpsAndNobodyChose() {
        #expect(BLASKernel.preferredCoreType(cpuFlags: Self.avx512, environment: [:], loadedCore: "Haswell") == "SkylakeX")
        #expect(BLASKernel.preferredCoreType(cpuFlags: Self.avx512, environment: [:], loadedCore: "Zen") == "SkylakeX")
        // The user's choice wins, whatever it is.
        #expect(BLASKernel.preferredCoreType(cpuFlags: Self.avx512, environment: ["OPENBLAS_CORETYPE": "Haswell"], loadedCore: "Haswell") == nil)
        // Already on AVX-512 kernels: nothing to gain (and no restart loop).
        #expect(BLASKernel.preferredCoreType(cpuFlags: Self.avx512, environment: [:], loadedCore: "SkylakeX") == nil)
        #expect(BLASKernel.preferredCoreType(cpuFlags: Self.avx512, environment: [:], loadedCore: "SapphireRapids") == nil)
        // No AVX-512 (or only part of what the kernels use).
        #expect(BLASKernel.preferredCoreType(cpuFlags: ["avx2", "fma"], environment: [:], loadedCore: "Haswell") == nil)
        #expect(BLASKernel.preferredCoreType(cpuFlags: ["avx2", "avx512f"], environment: [:], loadedCore: "Haswell") == nil)
    }

    @Test func readsTheFlagsLineOfCpuinfo() {
        let text = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx2 avx512f avx512dq\nbugs\t\t: none\n"
        #expect(BLASKernel.cpuFlags(cpuinfo: text) == ["fpu", "sse2", "avx2", "avx512f", "avx512dq"])
        #expect(BLASKernel.cpuFlags(cpuinfo: nil).isEmpty)
        #expect(BLASKernel.cpuFlags(cpuinfo: "nothing here").isEmpty)
    }

    @Test func namesTheKernelsInUse() {
        #expect(!BLASKernel.coreName.isEmpty && BLASKernel.coreName != "unknown")
        #expect(BLASKernel.describe(environment: [:]).contains("OpenBLAS's own choice"))
        #expect(BLASKernel.describe(environment: ["OPENBLAS_CORETYPE": "Haswell"]).contains("set by the user"))
        #expect(BLASKernel.describe(environment: ["OPENBLAS_CORETYPE": "SkylakeX", BLASKernel.chosenBySegueVariable: "1"]).contains("chosen by segue"))
    }
}
