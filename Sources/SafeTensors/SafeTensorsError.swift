/// What went wrong reading or writing a safetensors file, said in one line that names
/// the file (when there is one), what is wrong and where:
///
///     checkpoint.safetensors: truncated: header says 1,024 bytes of data, file has 512
public struct SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path as the caller gave it, or nil for a problem with a tensor in memory.
    public var file: String?
    /// What is wrong.
    public var problem: Problem

    public init(_ problem: Problem, file: String? = nil) {
        self.problem = problem
        self.file = file
    }

    public var description: String {
        guard let file else { return problem.description }
        return "\(file): \(problem)"
    }

    /// Every way a file or a tensor can be wrong. Offsets and counts are in bytes;
    /// data offsets count from the start of the data section, as in the header.
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        // Reading and writing the file itself.
        case fileNotFound
        case notAFile
        case cannotRead(reason: String)
        case folderNotFound(folder: String)
        case cannotWrite(reason: String)

        // The 8-byte length and the header.
        case tooShort(byteCount: Int)
        case headerTooLarge(declared: UInt64, limit: Int)
        case headerBeyondFile(declared: UInt64, available: Int)
        case headerNotUTF8
        case headerNotJSON(detail: String)
        case invalidHeader(location: String, expected: String)
        case missingField(tensor: String, field: String)
        case unknownDType(tensor: String, dtype: String)

        // One tensor's entry against its data.
        case invalidShape(tensor: String, shape: [Int])
        case invalidOffsets(tensor: String, offsets: [Int])
        case sizeMismatch(tensor: String, dtype: SafeTensors.DType, shape: [Int], begin: Int, end: Int)

        // The tensors' byte ranges against each other and the file.
        case overlap(tensor: String, previous: String, begin: Int, previousEnd: Int)
        case gap(begin: Int, end: Int, before: String)
        case truncated(declared: Int, available: Int)
        case trailingBytes(count: Int, declared: Int)

        // Writing tensors that cannot be stored.
        case duplicateName(String)
        case reservedName
        case valueCountMismatch(tensor: String, shape: [Int], count: Int)

        // Using what was read.
        case missingTensor(name: String, available: [String])
        case unexpectedShape(tensor: String, stored: [Int], expected: [Int])
        case wrongDType(tensor: String, stored: SafeTensors.DType, requested: SafeTensors.DType)

        public var description: String {
            switch self {
            case .fileNotFound:
                return "no such file"
            case .notAFile:
                return "is a folder, not a safetensors file"
            case .cannotRead(let reason):
                return "cannot read: \(reason)"
            case .folderNotFound(let folder):
                return "cannot write: the folder \(folder) does not exist"
            case .cannotWrite(let reason):
                return "cannot write: \(reason)"

            case .tooShort(let byteCount):
                return "not a safetensors file: \(grouped(byteCount)) bytes, fewer than the 8 that give the header's length"
            case .headerTooLarge(let declared, let limit):
                return "corrupt header length: \(grouped(declared)) bytes (at most \(grouped(limit)) allowed)"
            case .headerBeyondFile(let declared, let available):
                return "truncated header: header length says \(grouped(declared)) bytes, file has \(grouped(available)) after the length"
            case .headerNotUTF8:
                return "corrupt header: not valid UTF-8"
            case .headerNotJSON(let detail):
                return "corrupt header: not valid JSON (\(detail))"
            case .invalidHeader(let location, let expected):
                return "corrupt header: \(location): expected \(expected)"
            case .missingField(let tensor, let field):
                return "corrupt header: tensor \"\(tensor)\" has no \"\(field)\""
            case .unknownDType(let tensor, let dtype):
                let known = SafeTensors.DType.allCases.map(\.rawValue).joined(separator: ", ")
                return "tensor \"\(tensor)\": unsupported dtype \"\(dtype)\" (this library reads \(known))"

            case .invalidShape(let tensor, let shape):
                return "tensor \"\(tensor)\": invalid shape \(shape) (dimensions must be non-negative, their product must fit in memory)"
            case .invalidOffsets(let tensor, let offsets):
                return "tensor \"\(tensor)\": invalid data_offsets \(offsets) (expected [begin, end] with 0 <= begin <= end)"
            case .sizeMismatch(let tensor, let dtype, let shape, let begin, let end):
                let needed = (SafeTensors.elementCount(of: shape) ?? 0) * dtype.byteSize
                return "tensor \"\(tensor)\": \(dtype.rawValue) of shape \(shape) needs \(grouped(needed)) bytes, data_offsets [\(begin), \(end)] hold \(grouped(end - begin))"

            case .overlap(let tensor, let previous, let begin, let previousEnd):
                return "tensor \"\(tensor)\" starts at byte \(grouped(begin)), inside \"\(previous)\" (which ends at \(grouped(previousEnd)))"
            case .gap(let begin, let end, let before):
                return "bytes \(grouped(begin))..<\(grouped(end)) of the data belong to no tensor (before \"\(before)\")"
            case .truncated(let declared, let available):
                return "truncated: header says \(grouped(declared)) bytes of data, file has \(grouped(available))"
            case .trailingBytes(let count, let declared):
                return "\(grouped(count)) unexpected bytes after the data (header says \(grouped(declared)) bytes of data)"

            case .duplicateName(let name):
                return "two tensors are named \"\(name)\""
            case .reservedName:
                return "a tensor cannot be named \"__metadata__\": the format reserves that key"
            case .valueCountMismatch(let tensor, let shape, let count):
                return "tensor \"\(tensor)\": shape \(shape) does not hold \(grouped(count)) values"

            case .missingTensor(let name, let available):
                let names = available.isEmpty ? "none" : available.map { "\"\($0)\"" }.joined(separator: ", ")
                return "no tensor named \"\(name)\" (the file has \(names))"
            case .unexpectedShape(let tensor, let stored, let expected):
                return "tensor \"\(tensor)\" has shape \(stored), expected \(expected)"
            case .wrongDType(let tensor, let stored, let requested):
                return "tensor \"\(tensor)\" holds \(stored.rawValue) values, not \(requested.rawValue)"
            }
        }
    }
}

/// `1024` as "1,024": byte counts in messages are easier to compare with separators.
fileprivate func grouped(_ number: some BinaryInteger) -> String {
    let digits = String(number.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return number < 0 ? "-" + result : result
}
