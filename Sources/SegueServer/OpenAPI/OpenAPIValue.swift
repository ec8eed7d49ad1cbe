import SegueModel

/// A JSON value that keeps its keys in the order written: the building block of the OpenAPI document.
///
/// Literals build it (`["type": "string"]`), and the schema helpers below name the common shapes, so the
/// document reads like the JSON it becomes while its enumerations and limits come from Swift values.
indirect enum OpenAPIValue: Sendable, Equatable {
    case object([(String, OpenAPIValue)])
    case array([OpenAPIValue])
    case text(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    static func == (a: OpenAPIValue, b: OpenAPIValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case (.array(let x), .array(let y)): x == y
        case (.text(let x), .text(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.double(let x), .double(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    /// The value under `key` of an object (nil for other values or a missing key).
    subscript(key: String) -> OpenAPIValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// This object with `key` set to `value` (replaced in place if present, else appended).
    func with(_ key: String, _ value: OpenAPIValue) -> OpenAPIValue {
        guard case .object(var pairs) = self else { preconditionFailure("with(_:_:) on a value that is not an object") }
        if let i = pairs.firstIndex(where: { $0.0 == key }) { pairs[i].1 = value } else { pairs.append((key, value)) }
        return .object(pairs)
    }

    /// This schema with a description.
    func described(_ text: String) -> OpenAPIValue { with("description", .text(text)) }

    /// Compact JSON, keys in the order written.
    var json: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .object(let pairs):
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out += "," }
                JSONEscaping.append(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .text(let s): JSONEscaping.append(s, to: &out)
        case .int(let n): out += String(n)
        case .double(let x): out += x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

}

extension OpenAPIValue: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    init(dictionaryLiteral elements: (String, OpenAPIValue)...) { self = .object(elements) }
    init(arrayLiteral elements: OpenAPIValue...) { self = .array(elements) }
    init(stringLiteral value: String) { self = .text(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(floatLiteral value: Double) { self = .double(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
}

// MARK: - Schemas

extension OpenAPIValue {
    static let string: OpenAPIValue = ["type": "string"]
    static let integer: OpenAPIValue = ["type": "integer"]
    static let number: OpenAPIValue = ["type": "number"]
    static let boolean: OpenAPIValue = ["type": "boolean"]
    static let date: OpenAPIValue = ["type": "string", "format": "date"]
    static let dateTime: OpenAPIValue = ["type": "string", "format": "date-time"]
    static let binary: OpenAPIValue = ["type": "string", "format": "binary"]

    /// An integer schema within bounds.
    static func integer(minimum: Int? = nil, maximum: Int? = nil) -> OpenAPIValue {
        var schema = integer
        if let minimum { schema = schema.with("minimum", .int(minimum)) }
        if let maximum { schema = schema.with("maximum", .int(maximum)) }
        return schema
    }

    /// An integer schema over a range the validation uses.
    static func integer(_ range: ClosedRange<Int>) -> OpenAPIValue { integer(minimum: range.lowerBound, maximum: range.upperBound) }

    /// A number schema within bounds.
    static func number(minimum: Double? = nil, maximum: Double? = nil) -> OpenAPIValue {
        var schema = number
        if let minimum { schema = schema.with("minimum", .double(minimum)) }
        if let maximum { schema = schema.with("maximum", .double(maximum)) }
        return schema
    }

    /// A number schema over a range the validation uses.
    static func number(_ range: ClosedRange<Double>) -> OpenAPIValue { number(minimum: range.lowerBound, maximum: range.upperBound) }

    /// A string schema with length bounds.
    static func string(minLength: Int? = nil, maxLength: Int? = nil) -> OpenAPIValue {
        var schema = string
        if let minLength { schema = schema.with("minLength", .int(minLength)) }
        if let maxLength { schema = schema.with("maxLength", .int(maxLength)) }
        return schema
    }

    /// A string that is one of `values`.
    static func oneOf(_ values: [String]) -> OpenAPIValue { ["type": "string", "enum": .array(values.map { .text($0) })] }

    /// A string that is one of the raw values of `type`, in declaration order: the Swift type is the one list.
    static func oneOf<T: CaseIterable & RawRepresentable>(_ type: T.Type) -> OpenAPIValue where T.RawValue == String {
        oneOf(type.allCases.map(\.rawValue))
    }

    /// A reference to a schema under `components/schemas`.
    static func ref(_ schema: String) -> OpenAPIValue { ["$ref": .text("#/components/schemas/\(schema)")] }

    /// An array of `items`.
    static func array(of items: OpenAPIValue) -> OpenAPIValue { ["type": "array", "items": items] }

    /// An object with `properties` (in order) of which `required` must be present.
    static func object(required: [String] = [], _ properties: KeyValuePairs<String, OpenAPIValue>) -> OpenAPIValue {
        var schema: OpenAPIValue = ["type": "object"]
        if !required.isEmpty { schema = schema.with("required", .array(required.map { .text($0) })) }
        return schema.with("properties", .object(properties.map { ($0.key, $0.value) }))
    }
}

// MARK: - Operations

extension OpenAPIValue {
    /// The shared answer for a problem the client can fix (`components/responses/Error`).
    static let errorResponse: OpenAPIValue = ["$ref": "#/components/responses/Error"]

    /// Security for a state-changing request: the session's cookie and its CSRF token.
    static let sessionAndCSRF: OpenAPIValue = [["session": [], "csrf": []]]

    /// The `id` path parameter, a whole number.
    static let pathID: OpenAPIValue = ["name": "id", "in": "path", "required": true, "schema": .integer]

    /// An answer with a JSON body of `schema`.
    static func json(_ schema: OpenAPIValue, _ description: String) -> OpenAPIValue {
        ["description": .text(description), "content": ["application/json": ["schema": schema]]]
    }
}
