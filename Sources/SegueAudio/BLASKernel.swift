import CSegueBLAS
import Foundation

/// Loading OpenBLAS, and which of its kernels run musicnn's matrix products.
///
/// OpenBLAS is opened on first use (`load`, through `CSegueBLAS`), not when `segue` starts: most
/// commands never multiply a matrix, and a linked OpenBLAS costs every process its load, its kernel
/// choice and a spinning worker thread per core.
///
/// Debian's OpenBLAS (0.3.21, DYNAMIC_ARCH) picks its kernels when the library is loaded, from the
/// CPU and the `OPENBLAS_CORETYPE` variable. On AMD processors with AVX-512 it picks the AVX2
/// "Haswell" kernels, although its AVX-512 "SkylakeX" kernels run there and are faster (sgemm about
/// 1.7x on this machine's CPU). `chooseKernelsBeforeLoading`, called first thing in `main` while the
/// process has one thread, sets the variable when the CPU has AVX-512 and nobody set it; a value
/// already in the environment is the user's choice and is left alone (`OPENBLAS_CORETYPE=Haswell`
/// keeps the old kernels).
public enum BLASKernel {
    /// Opens OpenBLAS if it is not open yet.
    /// - Throws: `AudioError.analysisFailed` naming the library and dlopen's reason.
    public static func load() throws(AudioError) {
        guard segue_blas_load() == 0 else {
            throw .analysisFailed("OpenBLAS could not be loaded (\(String(cString: segue_blas_error()))); install libopenblas0")
        }
    }

    /// The kernels OpenBLAS uses in this process ("Haswell", "SkylakeX", …), loading it first;
    /// "unavailable" when it cannot be loaded.
    public static var coreName: String {
        guard let name = segue_blas_corename() else { return "unavailable" }
        return String(cString: name)
    }

    /// Set (to "1") by `chooseKernelsBeforeLoading` beside `OPENBLAS_CORETYPE`, so a report can tell
    /// Segue's choice from the user's.
    public static let chosenBySegueVariable = "SEGUE_OPENBLAS_CORETYPE_CHOSEN"

    /// A line for logs and reports: the kernels in use and who chose them.
    public static func describe(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard let set = environment["OPENBLAS_CORETYPE"] else { return "OpenBLAS kernels: \(coreName) (OpenBLAS's own choice)" }
        let who = environment[chosenBySegueVariable] == "1" ? "chosen by segue: the CPU has AVX-512" : "set by the user"
        return "OpenBLAS kernels: \(coreName) (OPENBLAS_CORETYPE=\(set), \(who))"
    }

    /// What OpenBLAS's SkylakeX kernels need from the CPU.
    static let avx512Flags: Set<String> = ["avx512f", "avx512dq", "avx512bw", "avx512vl"]

    /// The `OPENBLAS_CORETYPE` worth setting before OpenBLAS loads, or nil: nil when the variable is
    /// already set (the user's choice) or when the CPU lacks AVX-512. Where OpenBLAS would pick
    /// AVX-512 kernels itself (Intel), SkylakeX has the same single-precision kernels it would pick.
    static func preferredCoreType(cpuFlags: Set<String>, environment: [String: String]) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil else { return nil }
        return avx512Flags.isSubset(of: cpuFlags) ? "SkylakeX" : nil
    }

    /// The CPU's feature flags from `/proc/cpuinfo` (empty when unreadable; the kernel lists only
    /// what the operating system has enabled).
    static func cpuFlags(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> Set<String> {
        guard let text = cpuinfo,
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Sets `OPENBLAS_CORETYPE` (and `chosenBySegueVariable`) when faster kernels are worth it, for
    /// OpenBLAS to read when it is loaded. Call first thing in `main`, before any thread starts
    /// (`setenv` is not safe beside other threads); child processes inherit the choice.
    public static func chooseKernelsBeforeLoading() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil,
            let core = preferredCoreType(cpuFlags: cpuFlags(), environment: environment)
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(chosenBySegueVariable, "1", 1)
    }
}
