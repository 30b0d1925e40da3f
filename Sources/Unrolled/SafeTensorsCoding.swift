import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The bytes of a safetensors file: `encode` and `decode` work in memory, `write` and
// `read` add the file (atomic replacement; clear errors when it is missing or unreadable).

extension SafeTensors {

    /// The largest header `decode` accepts, as in the reference implementation: a longer
    /// one means the 8-byte length is garbage, not that the file has a billion tensors.
    public static let headerByteLimit = 100_000_000

    // MARK: Files

    /// Saves `tensors` and `metadata` to `url`, replacing any file there atomically.
    ///
    /// The bytes go to a temporary file in the same folder, are flushed to disk, and the
    /// temporary file is then renamed over `url`. If anything fails, the temporary file is
    /// removed and whatever was at `url` before is untouched.
    ///
    /// - Throws: `SafeTensorsError` naming `url` when a tensor cannot be stored (see
    ///   `encode`), the folder does not exist, or the file system refuses the write.
    public static func write(
        _ tensors: [Tensor], metadata: [String: String] = [:], to url: URL
    ) throws(SafeTensorsError) {
        let file = url.relativePath
        let bytes: Data
        do {
            bytes = try encode(tensors, metadata: metadata)
        } catch {
            throw SafeTensorsError(error.problem, file: file)
        }
        try replaceAtomically(url, with: bytes)
    }

    /// Loads every tensor and the metadata of the file at `url`.
    ///
    /// - Throws: `SafeTensorsError` naming `url` when the file is missing or unreadable,
    ///   or for any of the problems `decode` reports.
    public static func read(from url: URL) throws(SafeTensorsError) -> SafeTensorsFile {
        let file = url.relativePath
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw SafeTensorsError(.fileNotFound, file: file)
        }
        guard !isFolder.boolValue else { throw SafeTensorsError(.notAFile, file: file) }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SafeTensorsError(.cannotRead(reason: error.localizedDescription), file: file)
        }
        return try decode(bytes, source: file)
    }

    /// Writes `bytes` to a temporary file beside `url`, syncs it, and renames it to `url`.
    private static func replaceAtomically(_ url: URL, with bytes: Data) throws(SafeTensorsError) {
        let file = url.relativePath
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw SafeTensorsError(.folderNotFound(folder: folder.relativePath), file: file)
        }
        // A hidden name that cannot collide with another writer's temporary file.
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do throws(SafeTensorsError) {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw SafeTensorsError(.cannotWrite(reason: "cannot create \(temporary.lastPathComponent) in \(folder.relativePath)"), file: file)
            }
            do {
                let handle = try FileHandle(forWritingTo: temporary)
                defer { try? handle.close() }
                try handle.write(contentsOf: bytes)
                try handle.synchronize()  // the data is on disk before the name points at it
            } catch {
                throw SafeTensorsError(.cannotWrite(reason: error.localizedDescription), file: file)
            }
            guard rename(temporary.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw SafeTensorsError(.cannotWrite(reason: reason), file: file)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    // MARK: Bytes

    /// The bytes of a safetensors file holding `tensors` and `metadata`.
    ///
    /// Laid out as the reference implementation does: tensors sorted by decreasing
    /// alignment of their dtype (I64, F64, F32, I32), then by name; `"__metadata__"` first
    /// in the header (left out when empty), keys sorted; the header padded with spaces so
    /// the data starts at a multiple of 8 bytes, which keeps every tensor aligned.
    ///
    /// - Throws: `SafeTensorsError` (without a file) for two tensors with the same name, a
    ///   tensor named `"__metadata__"`, or a tensor whose values do not fill its shape.
    public static func encode(_ tensors: [Tensor], metadata: [String: String] = [:]) throws(SafeTensorsError) -> Data {
        var names = Set<String>()
        for tensor in tensors {
            guard tensor.name != metadataKey else { throw SafeTensorsError(.reservedName) }
            guard names.insert(tensor.name).inserted else { throw SafeTensorsError(.duplicateName(tensor.name)) }
            guard tensor.shape.allSatisfy({ $0 >= 0 }),
                  SafeTensors.elementCount(of: tensor.shape) == tensor.values.count else {
                throw SafeTensorsError(.valueCountMismatch(tensor: tensor.name, shape: tensor.shape, count: tensor.values.count))
            }
        }
        let ordered = tensors.sorted { left, right in
            if left.dtype.alignmentRank != right.dtype.alignmentRank {
                return left.dtype.alignmentRank > right.dtype.alignmentRank
            }
            return left.name.utf8.lexicographicallyPrecedes(right.name.utf8)
        }

        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\(jsonString(metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in ordered {
            let end = offset + tensor.values.count * tensor.dtype.byteSize
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(tensor.name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

        var bytes = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for tensor in ordered {
            switch tensor.values {
            case .f32(let values): appendLittleEndian(values, to: &bytes)
            case .f64(let values): appendLittleEndian(values, to: &bytes)
            case .i32(let values): appendLittleEndian(values, to: &bytes)
            case .i64(let values): appendLittleEndian(values, to: &bytes)
            }
        }
        return bytes
    }

    /// The tensors and metadata in `bytes`, the contents of a safetensors file.
    ///
    /// Everything the format promises is checked, in this order, and the first failure is
    /// thrown with `source` as the file name: at least 8 bytes; a header length at most
    /// `headerByteLimit` and within the file; a header that is UTF-8 JSON, an object whose
    /// entries have a known `dtype`, a `shape` of non-negative integers and `data_offsets`
    /// `[begin, end]` with `end - begin` = elements × element size; byte ranges that tile
    /// the data section from 0 with no overlap and no gap; and a data section exactly as
    /// long as the last range's end (shorter: truncated; longer: trailing bytes).
    public static func decode(_ bytes: Data, source: String) throws(SafeTensorsError) -> SafeTensorsFile {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(problem, file: source)
        }
        // Turns the JSON decoder's errors into problems that say where, in the file's terms.
        func parseHeader(_ header: ArraySlice<UInt8>) throws(SafeTensorsError) -> Header {
            guard String(validating: header, as: UTF8.self) != nil else { throw fail(.headerNotUTF8) }
            let json = Data(header)
            // JSONSerialization says where the syntax breaks; JSONDecoder, where the structure does.
            do {
                _ = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
            } catch {
                let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
                throw fail(.headerNotJSON(detail: detail ?? error.localizedDescription))
            }
            do {
                return try JSONDecoder().decode(Header.self, from: json)
            } catch let error as DecodingError {
                throw fail(problem(for: error))
            } catch {
                throw fail(.headerNotJSON(detail: "\(error)"))
            }
        }

        let bytes = [UInt8](bytes)
        guard bytes.count >= 8 else { throw fail(.tooShort(byteCount: bytes.count)) }
        let declared = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard declared <= UInt64(headerByteLimit) else {
            throw fail(.headerTooLarge(declared: declared, limit: headerByteLimit))
        }
        let headerLength = Int(declared)
        guard headerLength <= bytes.count - 8 else {
            throw fail(.headerBeyondFile(declared: declared, available: bytes.count - 8))
        }
        let dataStart = 8 + headerLength
        let header = try parseHeader(bytes[8..<dataStart])

        let entries = header.entries.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var dtypes: [String: DType] = [:]
        for entry in entries {
            guard let dtype = DType(rawValue: entry.dtype) else {
                throw fail(.unknownDType(tensor: entry.name, dtype: entry.dtype))
            }
            dtypes[entry.name] = dtype
            guard entry.dataOffsets.count == 2, entry.dataOffsets[0] >= 0, entry.dataOffsets[0] <= entry.dataOffsets[1] else {
                throw fail(.invalidOffsets(tensor: entry.name, offsets: entry.dataOffsets))
            }
            guard entry.shape.allSatisfy({ $0 >= 0 }),
                  let count = elementCount(of: entry.shape),
                  !count.multipliedReportingOverflow(by: dtype.byteSize).overflow else {
                throw fail(.invalidShape(tensor: entry.name, shape: entry.shape))
            }
            let (begin, end) = (entry.dataOffsets[0], entry.dataOffsets[1])
            guard count * dtype.byteSize == end - begin else {
                throw fail(.sizeMismatch(tensor: entry.name, dtype: dtype, shape: entry.shape, begin: begin, end: end))
            }
        }

        // The byte ranges, in file order, must tile 0..<end with no overlap and no gap.
        let inFileOrder = entries.sorted { ($0.dataOffsets[0], $0.dataOffsets[1]) < ($1.dataOffsets[0], $1.dataOffsets[1]) }
        var expectedBegin = 0
        var previous: HeaderEntry?
        for entry in inFileOrder {
            let begin = entry.dataOffsets[0]
            if begin < expectedBegin, let previous {
                throw fail(.overlap(tensor: entry.name, previous: previous.name, begin: begin, previousEnd: expectedBegin))
            }
            if begin > expectedBegin {
                throw fail(.gap(begin: expectedBegin, end: begin, before: entry.name))
            }
            expectedBegin = entry.dataOffsets[1]
            previous = entry
        }
        let available = bytes.count - dataStart
        guard expectedBegin <= available else { throw fail(.truncated(declared: expectedBegin, available: available)) }
        guard expectedBegin == available else {
            throw fail(.trailingBytes(count: available - expectedBegin, declared: expectedBegin))
        }

        var tensors: [String: Tensor] = [:]
        bytes.withUnsafeBytes { file in
            for entry in entries {
                let range = file[(dataStart + entry.dataOffsets[0])..<(dataStart + entry.dataOffsets[1])]
                let raw = UnsafeRawBufferPointer(rebasing: range)
                let values: Tensor.Values = switch dtypes[entry.name]! {
                case .f32: .f32(loadLittleEndian(raw))
                case .f64: .f64(loadLittleEndian(raw))
                case .i32: .i32(loadLittleEndian(raw))
                case .i64: .i64(loadLittleEndian(raw))
                }
                tensors[entry.name] = Tensor(name: entry.name, shape: entry.shape, values: values)
            }
        }
        return SafeTensorsFile(tensors: tensors, metadata: header.metadata, source: source)
    }

    /// The key the format reserves for free-form string metadata.
    static let metadataKey = "__metadata__"
}

// MARK: - The header as JSON

extension SafeTensors {
    /// One tensor's entry in the header, before it is checked.
    fileprivate struct HeaderEntry: Decodable {
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
    fileprivate struct WholeNumber: Decodable {
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
    fileprivate struct Header: Decodable {
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
    fileprivate static func problem(for error: DecodingError) -> SafeTensorsError.Problem {
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
    fileprivate static func jsonString(_ s: String) -> String {
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

// MARK: - Little-endian values

extension SafeTensors.DType {
    /// The reference implementation orders dtypes by alignment (I32 < F32 < F64 < I64) and
    /// writes the largest first.
    fileprivate var alignmentRank: Int {
        switch self {
        case .i32: 0
        case .f32: 1
        case .f64: 2
        case .i64: 3
        }
    }
}

/// An element type stored as the little-endian bytes of an integer bit pattern.
fileprivate protocol LittleEndianElement {
    associatedtype Bits: FixedWidthInteger
    var bits: Bits { get }
    init(bits: Bits)
}

extension Float: LittleEndianElement {
    fileprivate var bits: UInt32 { bitPattern }
    fileprivate init(bits: UInt32) { self.init(bitPattern: bits) }
}

extension Double: LittleEndianElement {
    fileprivate var bits: UInt64 { bitPattern }
    fileprivate init(bits: UInt64) { self.init(bitPattern: bits) }
}

extension Int32: LittleEndianElement {
    fileprivate var bits: Int32 { self }
    fileprivate init(bits: Int32) { self = bits }
}

extension Int64: LittleEndianElement {
    fileprivate var bits: Int64 { self }
    fileprivate init(bits: Int64) { self = bits }
}

/// Appends the little-endian bytes of `values` to `bytes`.
fileprivate func appendLittleEndian<Element: LittleEndianElement>(_ values: [Element], to bytes: inout Data) {
    #if _endian(little)
    values.withUnsafeBytes { bytes.append(contentsOf: $0) }  // already in file order
    #else
    for value in values {
        withUnsafeBytes(of: value.bits.littleEndian) { bytes.append(contentsOf: $0) }
    }
    #endif
}

/// The values whose little-endian bytes are `raw` (any alignment; `raw.count` is a
/// multiple of the element size).
fileprivate func loadLittleEndian<Element: LittleEndianElement>(_ raw: UnsafeRawBufferPointer) -> [Element] {
    let size = MemoryLayout<Element.Bits>.size
    let count = raw.count / size
    return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
        #if _endian(little)
        if count > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw) }
        #else
        for index in 0..<count {
            let bits = raw.loadUnaligned(fromByteOffset: index * size, as: Element.Bits.self)
            buffer[index] = Element(bits: Element.Bits(littleEndian: bits))
        }
        #endif
        initialized = count
    }
}
