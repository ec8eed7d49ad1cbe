import Testing

@testable import SegueAudio

/// Loading OpenBLAS on first use and choosing its kernels (`BLASKernel`): when `segue` sets
/// `OPENBLAS_CORETYPE` before the library loads, and when it leaves things alone.
@Suite struct BLASKernelTests {
    static let avx512 = BLASKernel.avx512Flags.union(["fpu", "sse2", "avx2", "fma"])

    @Test func choosesSkylakeXOnlyWhenTheCPUHasAVX512AndNobodyChose() {
        #expect(BLASKernel.preferredCoreType(cpuFlags: Self.avx512, environment: [:]) == "SkylakeX")
        // The user's choice wins, whatever it is.
        #expect(BLASKernel.preferredCoreType(cpuFlags: Self.avx512, environment: ["OPENBLAS_CORETYPE": "Haswell"]) == nil)
        #expect(BLASKernel.preferredCoreType(cpuFlags: Self.avx512, environment: ["OPENBLAS_CORETYPE": "Zen"]) == nil)
        // No AVX-512 (or only part of what the kernels use).
        #expect(BLASKernel.preferredCoreType(cpuFlags: ["avx2", "fma"], environment: [:]) == nil)
        #expect(BLASKernel.preferredCoreType(cpuFlags: ["avx2", "avx512f"], environment: [:]) == nil)
    }

    @Test func readsTheFlagsLineOfCpuinfo() {
        let text = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx2 avx512f avx512dq\nbugs\t\t: none\n"
        #expect(BLASKernel.cpuFlags(cpuinfo: text) == ["fpu", "sse2", "avx2", "avx512f", "avx512dq"])
        #expect(BLASKernel.cpuFlags(cpuinfo: nil).isEmpty)
        #expect(BLASKernel.cpuFlags(cpuinfo: "nothing here").isEmpty)
    }

    @Test func loadsOnFirstUseAndNamesTheKernelsInUse() throws {
        try BLASKernel.load()
        #expect(!BLASKernel.coreName.isEmpty && !["unknown", "unavailable"].contains(BLASKernel.coreName))
        #expect(BLASKernel.describe(environment: [:]).contains("OpenBLAS's own choice"))
        #expect(BLASKernel.describe(environment: ["OPENBLAS_CORETYPE": "Haswell"]).contains("set by the user"))
        #expect(
            BLASKernel.describe(environment: ["OPENBLAS_CORETYPE": "SkylakeX", BLASKernel.chosenBySegueVariable: "1"]).contains("chosen by segue"))
    }
}
