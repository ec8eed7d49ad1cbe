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

    var description: String {
        switch self {
        case .invalid(let m), .notFound(let m), .unsupportedContent(let m), .tooManyJobs(let m), .conflict(let m), .unprocessable(let m),
            .overQuota(let m): m
        case .tooLarge(let limit): "the upload is larger than the limit of \(limit / (1024 * 1024)) MB"
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        errorResponse(status: status, message: description)
    }
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
    let data = (try? JSONEncoder().encode(Body(error: .init(status: status.code, message: message)))) ?? Data()
    return Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
