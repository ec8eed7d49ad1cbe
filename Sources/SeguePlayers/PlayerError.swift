/// Everything that can go wrong sending a playlist to a player: one sentence a user can act on,
/// naming the server, folder or file.
public enum PlayerError: Error, Equatable, CustomStringConvertible {
    /// The server address is not an http(s) URL, or carries a user name or password.
    case invalidServerURL(String, reason: String)
    /// No answer: refused connection, timeout, closed early.
    case unreachable(server: String, detail: String)
    /// An HTTP status other than 200.
    case httpStatus(server: String, method: String, status: Int)
    /// An answer that is not Subsonic JSON (HTML, garbage, a truncated document, a missing field).
    case notSubsonic(server: String, method: String, detail: String)
    /// The answer was larger than Segue accepts.
    case answerTooLarge(server: String, method: String, limit: Int)
    /// `status="failed"`: the server's own error code and message.
    case failed(server: String, method: String, code: Int, message: String)
    /// The playlist Segue just created could not be found again on the server.
    case playlistNotFound(server: String, name: String)
    /// A playlist name that cannot be a file name or a Subsonic name (empty, too long, a path).
    case invalidPlaylistName(String, reason: String)
    /// A watched folder that does not exist or cannot be written.
    case folderUnavailable(path: String, detail: String)
    /// A path prefix mapping that is not `FROM=TO`.
    case invalidPathMapping(String)
    /// The players file (credentials) could not be read or written.
    case registry(path: String, detail: String)
    /// A player name that is not registered, or already is.
    case unknownPlayer(String)
    case duplicatePlayer(String)
    case invalidPlayerName(String)
    /// The push was cancelled before anything was changed on the server.
    case cancelled

    public var description: String {
        switch self {
        case .invalidServerURL(let url, let reason): return "The server address '\(url)' cannot be used: \(reason)."
        case .unreachable(let server, let detail): return "The Subsonic server at \(server) did not answer: \(detail)."
        case .httpStatus(let server, let method, let status):
            return "The Subsonic server at \(server) answered \(method) with HTTP status \(status) instead of a Subsonic response."
        case .notSubsonic(let server, let method, let detail):
            return "The server at \(server) did not answer \(method) with a Subsonic JSON response (\(detail)); is the address right?"
        case .answerTooLarge(let server, let method, let limit):
            return "The Subsonic server at \(server) sent an answer to \(method) larger than \(limit / (1 << 20)) MiB, which Segue does not read."
        case .failed(let server, let method, let code, let message):
            return "The Subsonic server at \(server) refused \(method): \(message) (Subsonic error \(code))."
        case .playlistNotFound(let server, let name):
            return "The Subsonic server at \(server) accepted the playlist '\(name)' but does not list it afterwards."
        case .invalidPlaylistName(let name, let reason): return "The playlist name '\(name)' cannot be used: \(reason)."
        case .folderUnavailable(let path, let detail): return "The playlist folder \(path) cannot be written: \(detail)."
        case .invalidPathMapping(let text): return "The path mapping '\(text)' is not FROM=TO with two absolute paths."
        case .registry(let path, let detail): return "The players file \(path) cannot be used: \(detail)."
        case .unknownPlayer(let name): return "There is no player named '\(name)'; `segue players list` shows them."
        case .duplicatePlayer(let name): return "A player named '\(name)' exists already; remove it first to change it."
        case .invalidPlayerName(let name):
            return "The player name '\(name)' is not allowed: use 1 to 64 letters, digits, '-' or '_' (and not 'folder')."
        case .cancelled: return "The push was cancelled; nothing was changed on the player."
        }
    }
}
