import Foundation

// The JSON header of a safetensors file: decoding it with errors that say where, and the
// string escaping `encode` writes it with.

extension SafeTensors {
    /// One tensor's entry in the header, before it is checked.
    struct HeaderEntry: Decodable {
        var name = ""
        var dtype: String
        var shape: [Int]
        var dataOffsets: [Int]

        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            dtype = try container.decode(String.self, forKey: .dtype)
            shape = try container.decode([WholeNumber].self, forKey: .shape).map(\.value)
            dataOffsets = try container.decode([WholeNumber].self, forKey: .dataOffsets).map(\.value)
        }
    }

    /// An integer in the header. Decoding `Int` directly would report `1.5` as "not valid
    /// JSON" with no location on some platforms; this says where the bad number is.
    struct WholeNumber: Decodable {
        var value: Int

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let number = try container.decode(Double.self)
            guard number.rounded(.towardZero) == number, let value = Int(exactly: number) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(number) is not an integer")
            }
            self.value = value
        }
    }

    /// The whole header: tensor entries under their names, and the optional metadata.
    struct Header: Decodable {
        var entries: [HeaderEntry] = []
        var metadata: [String: String] = [:]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys {
                if key.stringValue == SafeTensors.metadataKey {
                    metadata = try container.decode([String: String].self, forKey: key)
                } else {
                    var entry = try container.decode(HeaderEntry.self, forKey: key)
                    entry.name = key.stringValue
                    entries.append(entry)
                }
            }
        }
    }

    /// What a decoding error means for a safetensors header, located by its coding path.
    static func problem(for error: DecodingError) -> SafeTensorsError.Problem {
        switch error {
        case .keyNotFound(let key, let context) where context.codingPath.count == 1:
            return .missingField(tensor: context.codingPath[0].stringValue, field: key.stringValue)
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .headerNotJSON(detail: context.debugDescription)
        case .keyNotFound(_, let context), .typeMismatch(_, let context),
             .valueNotFound(_, let context), .dataCorrupted(let context):
            return .invalidHeader(location: location(context.codingPath), expected: expectation(context.codingPath))
        @unknown default:
            return .headerNotJSON(detail: "\(error)")
        }
    }

    /// `tensor "W_xh", "shape"[1]` or `"__metadata__", "step"` for a coding path.
    private static func location(_ path: [any CodingKey]) -> String {
        guard let first = path.first else { return "the header" }
        var text = first.stringValue == metadataKey ? "\"\(metadataKey)\"" : "tensor \"\(first.stringValue)\""
        for key in path.dropFirst() {
            text += key.intValue.map { "[\($0)]" } ?? ", \"\(key.stringValue)\""
        }
        return text
    }

    /// What the format allows at a coding path.
    private static func expectation(_ path: [any CodingKey]) -> String {
        guard let first = path.first else { return "a JSON object of tensors" }
        if first.stringValue == metadataKey {
            return path.count == 1 ? "an object of string values" : "a string"
        }
        guard path.count > 1 else { return "an object with \"dtype\", \"shape\" and \"data_offsets\"" }
        switch path[1].stringValue {
        case "dtype": return "a string such as \"F32\""
        case "shape": return "a list of non-negative integers"
        case "data_offsets": return "[begin, end], two integers"
        default: return "a valid value"
        }
    }

    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ s: String) -> String {
        var literal = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\r": literal += "\\r"
            case "\t": literal += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}
