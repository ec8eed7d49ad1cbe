import Foundation
import PostgresNIO
import SeguePlaylists

/// Nearest neighbours by cosine distance in PostgreSQL: a `vector(N)` column with an HNSW index
/// (pgvector), behind the same `SimilarityIndex` protocol as the exact in-memory scan.
///
/// Each index is a table of its own, `similarity_<name>` (id, embedding). Vectors travel as text
/// (`'[0.1,0.2,…]'::vector`): postgres-nio has no vector type. HNSW is approximate; `searchWidth`
/// (pgvector's `hnsw.ef_search`, at least k plus the excluded ids) trades recall for time.
public final class PgvectorIndex: SimilarityIndex, @unchecked Sendable {
    public let backend: PostgresBackend
    public let name: String
    public let dimensions: Int
    /// Candidates the HNSW search keeps (pgvector's default is 40; see BENCHMARKS.md for recall and
    /// time at this width).
    public var searchWidth = 200
    private var table: String { "similarity_\(name)" }

    /// Opens (creating when missing) the index called `name` for vectors of `dimensions` floats.
    public init(backend: PostgresBackend, name: String, dimensions: Int) throws {
        guard name.range(of: "^[a-z0-9_]{1,40}$", options: .regularExpression) != nil else {
            throw PostgresStoreError.unsupported("index name '\(name)': use lower-case letters, digits and underscores")
        }
        guard (1...16_000).contains(dimensions) else { throw PostgresStoreError.unsupported("\(dimensions)-dimensional vectors") }
        self.backend = backend
        self.name = name
        self.dimensions = dimensions
        try backend.transaction { db in
            try db.execute("CREATE EXTENSION IF NOT EXISTS vector")
            try db.execute("CREATE TABLE IF NOT EXISTS \(table)(id bigint PRIMARY KEY, embedding vector(\(dimensions)) NOT NULL)")
            try db.execute(
                "CREATE INDEX IF NOT EXISTS \(table)_hnsw ON \(table) USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 128)")
        }
    }

    /// pgvector's text form of a vector.
    static func text(_ v: [Float]) -> String {
        "[" + v.map { String($0) }.joined(separator: ",") + "]"
    }

    /// Adds or replaces items, in one transaction.
    public func add(_ items: [(id: Int64, vector: [Float])]) throws {
        guard let bad = items.first(where: { $0.vector.count != dimensions }) else {
            for chunk in stride(from: 0, to: items.count, by: 2_000).map({ items[$0..<min($0 + 2_000, items.count)] }) {
                let ids = chunk.map(\.id)
                let vectors = chunk.map { Self.text($0.vector) }
                var binds = PostgresBindings()
                binds.append(ids)
                binds.append(vectors)
                try backend.transaction { db in
                    try db.query(
                        PostgresQuery(
                            unsafeSQL: """
                                INSERT INTO \(table)(id, embedding) SELECT i, e::vector FROM unnest($1::bigint[], $2::text[]) AS u(i, e)
                                ON CONFLICT (id) DO UPDATE SET embedding = excluded.embedding
                                """, binds: binds))
                }
            }
            return
        }
        throw PostgresStoreError.unsupported("item \(bad.id) has \(bad.vector.count) dimensions, the index \(dimensions)")
    }

    public var count: Int {
        get throws {
            try backend.withConnection { db in
                try db.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)")).rows.first?.decode(Int.self) ?? 0
            }
        }
    }

    public func nearest(to query: [Float], k: Int, excluding: Set<Int64> = []) throws -> [(id: Int64, distance: Double)] {
        guard query.count == dimensions, k > 0 else { return [] }
        var binds = PostgresBindings()
        binds.append(Self.text(query))
        binds.append(Array(excluding))
        binds.append(k)
        return try backend.transaction { db in
            // SET LOCAL takes no parameters; the width is a number this type computes.
            try db.execute("SET LOCAL hnsw.ef_search = \(min(1_000, max(searchWidth, k + excluding.count)))")
            let rows = try db.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT id, embedding <=> $1::vector FROM \(table) WHERE id <> ALL($2::bigint[])
                        ORDER BY embedding <=> $1::vector LIMIT $3
                        """, binds: binds))
            return try rows.rows.map {
                let (id, distance) = try $0.decode((Int64, Double).self)
                return (id, distance)
            }
        }
    }
}

extension PostgresBackend {
    /// Drops the index called `name` and its vectors.
    public func dropIndexTable(name: String) throws {
        guard name.range(of: "^[a-z0-9_]{1,40}$", options: .regularExpression) != nil else {
            throw PostgresStoreError.unsupported("index name '\(name)'")
        }
        try withConnection { db in try db.execute("DROP TABLE IF EXISTS similarity_\(name)") }
    }
}
