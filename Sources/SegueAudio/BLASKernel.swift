import COpenBLAS
import Foundation

/// Which OpenBLAS kernels run musicnn's matrix products, and choosing the fastest one.
///
/// Debian's OpenBLAS (0.3.21, DYNAMIC_ARCH) picks its kernels when the library is loaded, from the
/// CPU and the `OPENBLAS_CORETYPE` variable. On AMD processors with AVX-512 it picks the AVX2
/// "Haswell" kernels, although its AVX-512 "SkylakeX" kernels run there and are faster (sgemm about
/// 1.7x on this machine's CPU). The variable is read once, at load time, before `main` runs, so
/// `segue` re-executes itself with it set (`reexecForFasterKernels`); a value already in the
/// environment is the user's choice and is left alone (`OPENBLAS_CORETYPE=Haswell` keeps the old
/// kernels).
public enum BLASKernel {
    /// The kernels OpenBLAS uses in this process ("Haswell", "SkylakeX", …).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Set (to "1") by `reexecForFasterKernels` in the environment of the process it starts, so a
    /// report can tell Segue's choice from the user's.
    public static let chosenBySegueVariable = "SEGUE_OPENBLAS_CORETYPE_CHOSEN"

    /// A line for logs and reports: the kernels in use and who chose them.
    public static func describe(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard let set = environment["OPENBLAS_CORETYPE"] else { return "OpenBLAS kernels: \(coreName) (OpenBLAS's own choice)" }
        let who = environment[chosenBySegueVariable] == "1" ? "chosen by segue: the CPU has AVX-512" : "set by the user"
        return "OpenBLAS kernels: \(coreName) (OPENBLAS_CORETYPE=\(set), \(who))"
    }

    /// Kernels that already use AVX-512: nothing to gain from re-executing.
    static let avx512Cores: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]
    /// What OpenBLAS's SkylakeX kernels need from the CPU.
    static let avx512Flags: Set<String> = ["avx512f", "avx512dq", "avx512bw", "avx512vl"]

    /// The `OPENBLAS_CORETYPE` worth setting, or nil to keep what is loaded: nil when the variable
    /// is already set (the user's choice), when the loaded kernels already use AVX-512, or when the
    /// CPU lacks it.
    static func preferredCoreType(cpuFlags: Set<String>, environment: [String: String], loadedCore: String) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil else { return nil }
        guard !avx512Cores.contains(loadedCore.lowercased()) else { return nil }
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

    /// When faster kernels are available but not loaded, sets `OPENBLAS_CORETYPE` and replaces the
    /// process with a fresh run of the same executable and arguments (same process id), so OpenBLAS
    /// loads with them. Call first thing in `main`, before any output or threads. Returns (doing
    /// nothing) when there is nothing to gain or the re-execution fails (reported on stderr).
    public static func reexecForFasterKernels() {
        let environment = ProcessInfo.processInfo.environment
        guard let core = preferredCoreType(cpuFlags: cpuFlags(), environment: environment, loadedCore: coreName) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(chosenBySegueVariable, "1", 1)
        let argv = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", argv)
        // Only reached when execv failed: carry on with the kernels already loaded.
        let reason = String(cString: strerror(errno))
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(chosenBySegueVariable)
        FileHandle.standardError.write(Data("segue: could not restart with OPENBLAS_CORETYPE=\(core) (\(reason)); using \(coreName)\n".utf8))
    }
}
