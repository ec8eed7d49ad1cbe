import ArgumentParser
import Foundation
import SegueCharts
import SegueGraphics
import SegueMedia
import SegueModel

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Elapsed seconds on a monotonic clock.
struct Stopwatch {
    private let start = ContinuousClock.now
    var seconds: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// A problem found by a bench itself.
struct BenchError: Error {
    var message: String
}

/// Turns rendering errors into a one-line message and exit code 1, as `segue`'s visual commands do.
enum RenderFailure {
    static func run<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as ChartsError {
            printError("error: \(error)")
        } catch let error as GraphicsError {
            printError("error: \(error)")
        } catch let error as MediaError {
            printError("error: \(error)")
        } catch let error as BenchError {
            printError("error: \(error.message)")
        }
        throw ExitCode(1)
    }
}

extension CalendarDay {
    /// A `--from` day (YYYY-MM-DD), as `segue`'s range options read it.
    static func argument(_ text: String) throws -> CalendarDay {
        guard let day = CalendarDay(text) else { throw ValidationError("'\(text)' is not a date like 2024-05-06") }
        return day
    }
}
