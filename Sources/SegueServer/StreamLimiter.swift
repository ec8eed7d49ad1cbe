import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Counts open server-sent event streams, per holder (a session, or an address without one) and in total.
///
/// Each stream holds a task and a connection for as long as it is open, so one careless or hostile client
/// opening hundreds would take what every other visitor needs; over either cap a new stream is refused.
final class StreamLimiter: Sendable {
    let perHolder: Int
    let total: Int
    private let state = Mutex<(open: [String: Int], total: Int)>(([:], 0))

    init(perHolder: Int, total: Int) {
        self.perHolder = perHolder
        self.total = total
    }

    /// Why a stream was refused.
    enum Refusal: Error {
        case holderFull
        case serverFull
    }

    /// Takes a place for `holder`; `release` gives it back.
    func acquire(_ holder: String) throws(Refusal) {
        let refusal: Refusal? = state.withLock { state in
            if state.total >= total { return .serverFull }
            if state.open[holder, default: 0] >= perHolder { return .holderFull }
            state.open[holder, default: 0] += 1
            state.total += 1
            return nil
        }
        if let refusal { throw refusal }
    }

    func release(_ holder: String) {
        state.withLock { state in
            let left = state.open[holder, default: 1] - 1
            state.open[holder] = left > 0 ? left : nil
            state.total -= 1
        }
    }

    /// Streams open now (for tests and metrics).
    var openStreams: Int { state.withLock { $0.total } }
}

/// Applies `StreamLimiter` to every response that is an event stream: over a cap the answer is 429 with a
/// message instead, and an accepted stream gives its place back when it ends, however it ends.
struct StreamLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limiter: StreamLimiter

    /// The session cookie when it is a well-formed id, else the peer's address.
    static func holder(_ request: Request, context: Context) -> String {
        if let id = request.cookies[SessionMiddleware.cookieName]?.value, isWellFormedID(id) { return "session:" + id }
        return "address:" + (context.remoteIP ?? "unknown")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        guard response.headers[.contentType]?.hasPrefix("text/event-stream") == true else { return response }
        let holder = Self.holder(request, context: context)
        do {
            try limiter.acquire(holder)
        } catch {
            let message =
                switch error {
                case .holderFull:
                    "this browser already has \(limiter.perHolder) live streams open: close some tabs and reload the page"
                case .serverFull: "the server has as many live streams open as it allows: try again in a minute"
                }
            var refused = errorResponse(status: .tooManyRequests, message: message)
            refused.headers[.retryAfter] = "30"
            return refused
        }
        let body = response.body
        let limiter = self.limiter
        response.body = ResponseBody { writer in
            defer { limiter.release(holder) }
            let stream = body
            try await stream.write(writer)
        }
        return response
    }
}
