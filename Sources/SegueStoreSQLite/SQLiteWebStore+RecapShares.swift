import Foundation
import SegueStore

/// Published recaps, in the web store's file.
extension SQLiteWebStore: RecapShareStore {
    private static let shareColumns = "id, owner, token_sha256, query, theme, created_ms"

    private static func share(_ s: SQLiteStatement) -> RecapShare {
        RecapShare(
            id: s.int64(0), owner: s.text(1) ?? "", tokenHash: s.text(2) ?? "", query: s.text(3) ?? "", theme: s.text(4) ?? "",
            createdMillis: s.int64(5))
    }

    public func addRecapShare(owner: String, tokenHash: String, query: String, theme: String, millis: Int64) throws -> RecapShare {
        try locked { db in
            let s = try db.prepare("INSERT INTO recap_share(owner, token_sha256, query, theme, created_ms) VALUES (?, ?, ?, ?, ?)")
            try s.bind([.text(owner), .text(tokenHash), .text(query), .text(theme), .int(millis)])
            try s.run()
            return RecapShare(id: db.lastInsertRowID, owner: owner, tokenHash: tokenHash, query: query, theme: theme, createdMillis: millis)
        }
    }

    public func recapShares(owner: String) throws -> [RecapShare] {
        try locked { db in
            let s = try db.prepare("SELECT \(Self.shareColumns) FROM recap_share WHERE owner = ? ORDER BY created_ms DESC, id DESC")
            try s.bind([.text(owner)])
            var out: [RecapShare] = []
            while try s.step() { out.append(Self.share(s)) }
            return out
        }
    }

    public func recapShare(tokenHash: String) throws -> RecapShare? {
        try locked { db in
            let s = try db.prepare("SELECT \(Self.shareColumns) FROM recap_share WHERE token_sha256 = ?")
            try s.bind([.text(tokenHash)])
            return try s.step() ? Self.share(s) : nil
        }
    }

    public func revokeRecapShare(id: Int64, owner: String) throws -> Bool {
        try locked { db in
            let s = try db.prepare("DELETE FROM recap_share WHERE id = ? AND owner = ?")
            try s.bind([.int(id), .text(owner)])
            try s.run()
            return db.changes > 0
        }
    }

    public func deleteRecapShares(owner: String) throws {
        try locked { db in
            let s = try db.prepare("DELETE FROM recap_share WHERE owner = ?")
            try s.bind([.text(owner)])
            try s.run()
        }
    }
}
