import Foundation

// The bytes of a safetensors file, in memory: `encode` lays them out, `decode` checks and
// reads them. SafeTensorsFiles.swift puts them in files; SafeTensorsHeader.swift reads
// and writes the JSON header.

extension SafeTensors {

    /// The largest header `decode` accepts, as in the reference implementation: a longer
    /// one means the 8-byte length is garbage, not that the file has a billion tensors.
    public static let headerByteLimit = 100_000_000

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
