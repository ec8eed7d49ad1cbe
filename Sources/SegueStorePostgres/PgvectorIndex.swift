import Foundation
import PostgresNIO
import SegueStore

/// Nearest neighbours by cosine distance in PostgreSQL: a `vector(N)` column with an HNSW index
/// (pgvector), behind the same `SimilarityIndex` protocol as the exact in-memory scan.
///
/// Either an index of its own, the table `similarity_<name>` (id, embedding), or a music library's
/// stored musicnn embeddings (`library_track`, one library, analysed tracks only) under the HNSW
/// expression index of schema step 5. Vectors travel as text (`'[0.1,0.2,…]'::vector`):
/// postgres-nio has no vector type. HNSW is approximate; `searchWidth` (pgvector's
/// `hnsw.ef_search`, at least k plus the excluded ids) trades recall for time.
public final class PgvectorIndex: SimilarityIndex, @unchecked Sendable {
    public let backend: PostgresBackend
    public let name: String
    public let dimensions: Int
    /// Candidates the HNSW search keeps (pgvector's default is 40; see BENCHMARKS.md for recall and
    /// time at this width).
    public var searchWidth = 200
    /// Where the vectors are.
    enum Source {
        /// `similarity_<name>`, filled with `add`.
        case table
        /// The analysed tracks of one library in `library_track`.
        case library(String)
    }
    let source: Source
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
        source = .table
        try backend.transaction { db in
            try db.execute("CREATE EXTENSION IF NOT EXISTS vector")
            try db.execute("CREATE TABLE IF NOT EXISTS \(table)(id bigint PRIMARY KEY, embedding vector(\(dimensions)) NOT NULL)")
            try db.execute(
                "CREATE INDEX IF NOT EXISTS \(table)_hnsw ON \(table) USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 128)")
        }
    }

    /// The musicnn embeddings of `library`'s analysed tracks, searched through `library_track`'s
    /// HNSW index (the only size that index covers is `libraryDimensions`).
    init(backend: PostgresBackend, library: String) {
        self.backend = backend
        name = "library_track"
        dimensions = Self.libraryDimensions
        source = .library(library)
    }

    /// The embedding size `library_track`'s HNSW index covers (musicnn's).
    public static let libraryDimensions = 200

    /// pgvector's text form of a vector.
    static func text(_ v: [Float]) -> String {
        "[" + v.map { String($0) }.joined(separator: ",") + "]"
    }

    /// Adds or replaces items, in one transaction.
    public func add(_ items: [(id: Int64, vector: [Float])]) throws {
        guard case .table = source else { throw PostgresStoreError.unsupported("adding to a library's index: save the analysis instead") }
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
                switch source {
                case .table:
                    return try db.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)")).rows.first?.decode(Int.self) ?? 0
                case .library(let library):
                    return try db.query(
                        """
                        SELECT count(*) FROM library_track
                        WHERE library = \(library) AND status = 'done' AND vector_dims(embedding) = \(dimensions)
                        """
                    ).rows.first?.decode(Int.self) ?? 0
                }
            }
        }
    }

    public func nearest(to query: [Float], k: Int, excluding: Set<Int64> = []) throws -> [(id: Int64, distance: Double)] {
        guard query.count == dimensions, k > 0 else { return [] }
        // pgvector's cosine distance of a zero vector is NaN; the exact scan ranks it last too.
        guard query.contains(where: { $0 != 0 }), query.allSatisfy(\.isFinite) else {
            throw PostgresStoreError.unsupported("a query vector must be finite and not all zeros")
        }
        var binds = PostgresBindings()
        binds.append(Self.text(query))
        binds.append(Array(excluding))
        binds.append(k)
        let sql: String
        switch source {
        case .table:
            sql = """
                SELECT id, embedding <=> $1::vector FROM \(table) WHERE id <> ALL($2::bigint[])
                ORDER BY embedding <=> $1::vector LIMIT $3
                """
        case .library(let library):
            binds.append(library)
            // The same expression and predicate as the index, or the planner cannot use it.
            sql = """
                SELECT id, embedding::vector(\(dimensions)) <=> $1::vector(\(dimensions)) FROM library_track
                WHERE library = $4 AND status = 'done' AND vector_dims(embedding) = \(dimensions) AND id <> ALL($2::bigint[])
                ORDER BY embedding::vector(\(dimensions)) <=> $1::vector(\(dimensions)) LIMIT $3
                """
        }
        return try backend.transaction { db in
            // SET LOCAL takes no parameters; the width is a number this type computes.
            try db.execute("SET LOCAL hnsw.ef_search = \(min(1_000, max(searchWidth, k + excluding.count)))")
            var rows = try Self.decode(try db.query(PostgresQuery(unsafeSQL: sql, binds: binds)))
            if case .library = source, rows.count < k {
                // HNSW filters after its search: when other libraries' tracks (or the excluded ones)
                // fill the candidates, fewer than k of this library come back although more exist.
                // Then this library's rows are ranked exactly, through its own btree index.
                try db.execute("SET LOCAL enable_indexscan = off")
                rows = try Self.decode(try db.query(PostgresQuery(unsafeSQL: sql, binds: binds)))
            }
            return rows
        }
    }

    private static func decode(_ result: PostgresQueryResult) throws -> [(id: Int64, distance: Double)] {
        try result.rows.map {
            let (id, distance) = try $0.decode((Int64, Double).self)
            return (id, distance)
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
