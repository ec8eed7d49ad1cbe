import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Errors of the web app, each with its HTTP status and a message a user can act on.
enum APIError: Error, HTTPResponseError, CustomStringConvertible {
    case invalid(String)
    case notFound(String)
    case tooLarge(limit: Int)
    case unsupportedContent(String)
    case tooManyJobs(String)
    case conflict(String)
    /// A well-formed request that cannot be met (a playlist under impossible constraints).
    case unprocessable(String)
    /// Over a per-session quota of stored uploads.
    case overQuota(String)

    var status: HTTPResponse.Status {
        switch self {
        case .invalid: .badRequest
        case .notFound: .notFound
        case .tooLarge: .contentTooLarge
        case .unsupportedContent: .unsupportedMediaType
        case .tooManyJobs: .tooManyRequests
        case .conflict: .conflict
        case .unprocessable: .unprocessableContent
        case .overQuota: .contentTooLarge
        }
    }

    /// The message as people read it: one sentence, capitalised, with its full stop.
    var description: String { sentence(message) }

    private var message: String {
        switch self {
        case .invalid(let m), .notFound(let m), .unsupportedContent(let m), .tooManyJobs(let m), .conflict(let m), .unprocessable(let m),
            .overQuota(let m):
            m
        case .tooLarge(let limit): "the upload is larger than the limit of \(limit / (1024 * 1024)) MB"
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        errorResponse(status: status, message: description)
    }
}

/// `text` as a sentence: a capital first letter and a closing full stop (or the mark it already ends with).
/// A first word that is a name (`notes.mp3`, `'2024-13-01'`) keeps its spelling.
func sentence(_ text: String) -> String {
    guard let first = text.first else { return text }
    let word = text.prefix { $0 != " " }
    var result = word.allSatisfy({ $0.isLetter && $0.isLowercase }) ? first.uppercased() + text.dropFirst() : text
    if let last = result.last, !".!?:…)".contains(last) { result += "." }
    return result
}

/// `{"error": {"status": 400, "message": "…"}}`.
func errorResponse(status: HTTPResponse.Status, message: String) -> Response {
    struct Body: Encodable {
        struct Inner: Encodable {
            var status: Int
            var message: String
        }
        var error: Inner
    }
    let data = (try? JSONEncoder().encode(Body(error: .init(status: status.code, message: sentence(message))))) ?? Data()
    return Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
